import type { GlobalOptions } from "../cli.js";
import { formatBytes } from "../output/logger.js";
import { ensurePythonEnvironment } from "../python-env/environment.js";
import { extrasForWrapper } from "../python-env/extras.js";
import { pruneEnvironments } from "../python-env/registry.js";
import { loadContext } from "./context.js";

export interface SyncOptions extends GlobalOptions {
  python?: string;
  prune?: boolean;
}

export async function runSync(options: SyncOptions): Promise<void> {
  const { wrapper, logger } = await loadContext(options);
  const environment = await ensurePythonEnvironment({
    checkoutPath: wrapper.checkoutPath,
    python: options.python ?? wrapper.data.python,
    extras: extrasForWrapper(wrapper.data),
    logger,
  });
  logger.info(
    `${environment.reused ? "up to date" : "built"}: ${environment.dir} (Python ${environment.pythonVersion})`,
  );
  if (!options.prune) return;

  const pruned = pruneEnvironments();
  for (const { key, bytes } of pruned.removed) {
    logger.info(`removed environment ${key} (${formatBytes(bytes)})`);
  }
  logger.info(
    pruned.removed.length === 0
      ? "no unused environments"
      : `freed ${formatBytes(pruned.freedBytes)} from ${pruned.removed.length} unused environment(s)`,
  );
}
