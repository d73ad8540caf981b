import type { GlobalOptions } from "../cli.js";
import { UserError } from "../errors.js";

export async function runLogs(
  _options: GlobalOptions & { follow?: boolean; lines: number },
): Promise<void> {
  await Promise.resolve();
  throw new UserError("`logs` is not built yet");
}
