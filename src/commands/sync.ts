import type { GlobalOptions } from "../cli.js";
import { ensurePythonEnvironment } from "../python-env/environment.js";
import { loadContext } from "./context.js";

export interface SyncOptions extends GlobalOptions {
  python?: string;
  prune?: boolean;
}

export async function runSync(options: SyncOptions): Promise<void> {
  const { wrapper, logger } = loadContext(options);
  const environment = await ensurePythonEnvironment({
    checkoutPath: wrapper.checkoutPath,
    python: options.python ?? wrapper.data.python,
    logger,
  });
  logger.info(
    `${environment.reused ? "reused" : "built"} ${environment.dir} (Python ${environment.pythonVersion})`,
  );
}
