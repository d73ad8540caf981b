import { existsSync } from "node:fs";
import path from "node:path";
import type { GlobalOptions } from "../cli.js";
import { ExitCode, ExitError, UserError } from "../errors.js";
import { renderReport, reportAsJson } from "../output/diagnostics.js";
import { checkProxyConfig } from "../proxy-config/index.js";
import { tryReadLitellmVersion } from "../proxy-config/version.js";
import {
  buildBaseEnvironment,
  readEnvFileOrThrow,
} from "../proxy-process/environment.js";
import {
  loadWrapperConfigOrThrow,
  tryFindWrapperConfig,
} from "../wrapper-config/load.js";

export interface CheckConfigOptions extends GlobalOptions {
  file: string | undefined;
  json?: boolean;
  strict?: boolean;
  /** Another env file, read on top of the project's. */
  env?: string;
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
      ? await loadWrapperConfigOrThrow({ explicitPath: options.config })
      : undefined;
  const file = options.file
    ? path.resolve(options.file)
    : wrapper?.proxyConfigPath;
  if (!file) {
    throw new UserError(
      `no tdm-litellm.yaml in ${process.cwd()} or any directory above it, and no config file given`,
      {
        hint: "name the proxy config: `tdm-litellm check-config <file>`, or run `tdm-litellm init`",
      },
    );
  }
  if (options.file && !existsSync(file)) {
    throw new UserError(`${file} does not exist`, {
      hint: "check the path given to `check-config`",
    });
  }
  const env = {
    ...buildBaseEnvironment({ envFile: wrapper?.envFilePath }),
    ...(options.env ? readEnvFileOrThrow(path.resolve(options.env)) : {}),
  };
  const litellmVersion = wrapper
    ? tryReadLitellmVersion(wrapper.checkoutPath)
    : undefined;
  const report = checkProxyConfig({ file, env, litellmVersion });

  process.stdout.write(
    options.json
      ? reportAsJson(report)
      : renderReport(report, { strict: options.strict === true }),
  );
  const failed =
    report.errorCount > 0 || (options.strict && report.warningCount > 0);
  if (failed) throw new ExitError(ExitCode.failed);
  await Promise.resolve();
}
