import type { GlobalOptions } from "../cli.js";
import { UserError } from "../errors.js";

export async function runDoctor(_options: GlobalOptions): Promise<void> {
  await Promise.resolve();
  throw new UserError("`doctor` is not built yet");
}
