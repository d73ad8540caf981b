import type { GlobalOptions, UpCliOptions } from "../cli.js";
import { UserError } from "../errors.js";

export async function runUp(
  _options: GlobalOptions & UpCliOptions,
): Promise<void> {
  await Promise.resolve();
  throw new UserError("`up` is not built yet");
}
