import type { GlobalOptions } from "../cli.js";
import { UserError } from "../errors.js";

export async function runDown(_options: GlobalOptions): Promise<void> {
  await Promise.resolve();
  throw new UserError("`down` is not built yet");
}
