import type { GlobalOptions } from "../cli.js";
import { UserError } from "../errors.js";

export async function runStatus(
  _options: GlobalOptions & { json?: boolean },
): Promise<void> {
  await Promise.resolve();
  throw new UserError("`status` is not built yet");
}
