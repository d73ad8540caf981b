import type { GlobalOptions } from "../cli.js";
import { ExitCode, ExitError } from "../errors.js";
import {
  followLog,
  listLogFiles,
  proxyLogPath,
  readLastLines,
} from "../proxy-process/log-file.js";
import { tryReadProxyState } from "../proxy-process/state.js";
import { loadContext } from "./context.js";

export type LogsOptions = GlobalOptions & { follow?: boolean; lines: number };

/**
 * The detached proxy's log: the last lines (reaching into rotated copies),
 * then with `-f` what is appended, across rotation, until Ctrl-C.
 */
export async function runLogs(options: LogsOptions): Promise<void> {
  const { wrapper, logger } = await loadContext(options);
  const state = tryReadProxyState(wrapper.projectDir);
  const logPath = state?.logPath ?? proxyLogPath(wrapper.projectDir);

  if (state?.mode === "foreground") {
    logger.info(
      `the proxy runs in the foreground (PID ${state.pid}): its output goes to the terminal that started it; this log is from detached starts`,
    );
  }
  if (listLogFiles(logPath).length === 0) {
    logger.info(
      options.follow
        ? `no log at ${logPath} yet; waiting for \`tdm-litellm up --detach\` to write one`
        : `no log at ${logPath} yet; \`tdm-litellm up --detach\` writes one`,
    );
    if (!options.follow) return;
  }

  const lines = readLastLines(logPath, options.lines);
  if (lines.length > 0) process.stdout.write(lines.join("\n") + "\n");
  if (!options.follow) return;

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    await followLog(
      logPath,
      (chunk) => process.stdout.write(chunk),
      controller.signal,
    );
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  throw new ExitError(ExitCode.interrupted);
}
