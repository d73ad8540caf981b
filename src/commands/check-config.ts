import path from "node:path";
import type { GlobalOptions } from "../cli.js";
import { ExitCode, ExitError } from "../errors.js";
import { renderReport } from "../output/diagnostics.js";
import { checkProxyConfig } from "../proxy-config/index.js";
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
  const report = checkProxyConfig({ file, env });

  if (options.json) {
    process.stdout.write(
      JSON.stringify({ ...report, config: undefined }, null, 2) + "\n",
    );
  } else {
    process.stdout.write(renderReport(report));
  }
  const failed =
    report.errorCount > 0 || (options.strict && report.warningCount > 0);
  if (failed) throw new ExitError(ExitCode.failed);
  await Promise.resolve();
}
