import path from "node:path";
import type { GlobalOptions } from "../cli.js";
import { ExitCode, ExitError } from "../errors.js";
import { renderReport, reportAsJson } from "../output/diagnostics.js";
import { checkProxyConfig } from "../proxy-config/index.js";
import { tryReadLitellmVersion } from "../proxy-config/version.js";
import { buildBaseEnvironment } from "../proxy-process/environment.js";
import {
  loadWrapperConfigOrThrow,
  tryFindWrapperConfig,
} from "../wrapper-config/load.js";

export interface CheckConfigOptions extends GlobalOptions {
  file: string | undefined;
  json?: boolean;
  strict?: boolean;
  envFile?: string;
}

/**
 * Prints the whole report (stdout), then fails with 1 when the config is
 * invalid, or has warnings under `--strict`. A file that cannot be checked
 * at all is a UserError (exit 2) from the checker.
 */
export async function runCheckConfig(
  options: CheckConfigOptions,
): Promise<void> {
  const wrapper =
    options.config || tryFindWrapperConfig(process.cwd())
      ? loadWrapperConfigOrThrow({ explicitPath: options.config })
      : undefined;
  const file = options.file
    ? path.resolve(options.file)
    : (wrapper?.proxyConfigPath ??
      path.resolve("config/proxy_server_config.yaml"));
  const envFile = options.envFile
    ? path.resolve(options.envFile)
    : wrapper?.envFilePath;
  const env = buildBaseEnvironment({ envFile });
  const litellmVersion = wrapper
    ? tryReadLitellmVersion(wrapper.checkoutPath)
    : undefined;
  const report = checkProxyConfig({ file, env, litellmVersion });

  process.stdout.write(
    options.json ? reportAsJson(report) : renderReport(report),
  );
  const failed =
    report.errorCount > 0 || (options.strict && report.warningCount > 0);
  if (failed) throw new ExitError(ExitCode.failed);
  await Promise.resolve();
}
