import chalk from "chalk";
import { spawn } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { ExitCode, ExitError, UserError } from "../errors.js";
import type { Logger } from "../output/logger.js";
import { redactKnownSecrets } from "../output/mask.js";
import { packageRoot } from "../package-root.js";
import { renderReadyBanner, type BannerFacts } from "./banner.js";
import { livelinessUrl, waitUntilHealthy } from "./health.js";
import { spawnDetached, writeExecPlan, type LaunchPlan } from "./launch.js";
import {
  isProcessAlive,
  listProcessGroup,
  listProcessTree,
  tryReadProcessGroup,
  tryReadStartTime,
} from "./process-info.js";
import { readLastLines } from "./log-file.js";
import { logLimitsFrom, withRotatingLog } from "./log-rotation.js";
import { clearProxyState, writeProxyState, type ProxyState } from "./state.js";

/** SIGTERM first; SIGKILL when the proxy has not stopped after this. */
export const STOP_GRACE_MS = 10_000;
const LOG_TAIL_LINES = 25;

export interface StartRequest {
  plan: LaunchPlan;
  projectDir: string;
  state: Omit<
    ProxyState,
    "pid" | "startTime" | "mode" | "startedAt" | "logPath"
  >;
  banner: Omit<BannerFacts, "pid" | "elapsedMs" | "logPath" | "detached">;
  logPath: string;
  timeoutMs: number;
  startedAt: number;
  /** Values never to show in output. */
  secrets: string[];
  logger: Logger;
  /**
   * Called once the state is written: from then on another `up` sees the
   * proxy, so the start lock can go.
   */
  onRecorded?: () => Promise<void>;
}

/**
 * Detached: the proxy in its own session, its output in the rotated log;
 * wait until healthy, record it, print where to reach it, return.
 */
export async function startDetached(request: StartRequest): Promise<void> {
  const { logPath, logger } = request;
  mkdirSync(path.dirname(logPath), { recursive: true, mode: 0o700 });
  const rotating = withRotatingLog(
    request.plan,
    logPath,
    logLimitsFrom(process.env),
  );
  if (!rotating) {
    logger.warn(
      `the proxy's entry is not inline Python code, so its log is not rotated: ${logPath} grows until \`tdm-litellm down\``,
    );
  }
  // A mark between starts, so that the log shows where this one begins.
  appendFileSync(
    logPath,
    `${START_MARK} on ${request.banner.host}:${request.banner.port} at ${new Date().toISOString()} ---\n`,
    { mode: 0o600 },
  );
  const pid = spawnDetached(rotating ?? request.plan, logPath);
  const startTime = tryReadStartTime(pid) ?? 0;
  writeProxyState(request.projectDir, {
    ...request.state,
    pid,
    startTime,
    mode: "detached",
    logPath,
    startedAt: new Date().toISOString(),
  });
  await request.onRecorded?.();

  const step = logger.step(`waiting for the proxy (PID ${pid}) to answer`);
  const outcome = await waitUntilHealthy({
    url: livelinessUrl(request.banner.host, request.banner.port),
    timeoutMs: request.timeoutMs,
    isAlive: () => isProcessAlive(pid),
  });
  if (outcome !== "healthy") {
    step.fail(outcome === "exited" ? "it exited" : "no answer in time");
    if (outcome === "timeout") await stopProcessGroup(pid);
    clearProxyState(request.projectDir);
    throw startFailure(
      outcome,
      request,
      linesOfThisStart(readLastLines(logPath, LOG_TAIL_LINES)),
    );
  }
  step.done();
  process.stderr.write(
    renderReadyBanner({
      ...request.banner,
      pid,
      logPath,
      detached: true,
      elapsedMs: performance.now() - request.startedAt,
    }),
  );
}

/**
 * Foreground, through the entry script: record the process that is about
 * to become the proxy (the entry script execs it in place, so its PID is
 * our parent's), start the short-lived watcher that prints the URLs once
 * the proxy answers, and leave the plan for the entry script.
 */
export async function handOverToProxy(
  request: StartRequest,
  planFile: string,
): Promise<void> {
  const pid = process.ppid;
  writeProxyState(request.projectDir, {
    ...request.state,
    pid,
    startTime: tryReadStartTime(pid) ?? 0,
    mode: "foreground",
    startedAt: new Date().toISOString(),
  });
  await request.onRecorded?.();
  const watcher = spawn(
    process.execPath,
    [
      path.join(packageRoot(), "dist", "proxy-process", "start-watcher.js"),
      JSON.stringify({
        facts: {
          ...request.banner,
          pid,
          elapsedMs: 0,
          logPath: undefined,
          detached: false,
        },
        startedAtEpochMs: Date.now() - (performance.now() - request.startedAt),
        timeoutMs: request.timeoutMs,
      }),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  watcher.unref();
  writeExecPlan(planFile, request.plan);
  request.logger.info(
    chalk.dim(`handing over to the proxy (PID ${pid}); Ctrl-C stops it`),
  );
}

/**
 * Foreground without the entry script (`node dist/cli.js up`): a launcher
 * that waits. Signals are passed on; a second Ctrl-C kills at once.
 */
export async function runAttached(request: StartRequest): Promise<never> {
  const { plan, logger } = request;
  logger.warn(
    "started without the tdm-litellm entry script: this launcher stays running beside the proxy",
  );
  const child = spawn(plan.argv[0], plan.argv.slice(1), {
    cwd: plan.cwd,
    env: plan.env,
    detached: true,
    stdio: "inherit",
  });
  const pid = child.pid;
  if (pid === undefined) throw new UserError(`could not start ${plan.argv[0]}`);
  writeProxyState(request.projectDir, {
    ...request.state,
    pid,
    startTime: tryReadStartTime(pid) ?? 0,
    mode: "foreground",
    startedAt: new Date().toISOString(),
  });
  await request.onRecorded?.();

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      signalGroup(pid, "SIGKILL");
      return;
    }
    interrupted = true;
    signalGroup(pid, signal === "SIGINT" ? "SIGINT" : "SIGTERM");
    setTimeout(() => signalGroup(pid, "SIGKILL"), STOP_GRACE_MS).unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => resolve(code)),
  );

  const outcome = await Promise.race([
    waitUntilHealthy({
      url: livelinessUrl(request.banner.host, request.banner.port),
      timeoutMs: request.timeoutMs,
      isAlive: () => child.exitCode === null && child.signalCode === null,
    }),
    exited.then(() => "exited" as const),
  ]);
  if (outcome === "healthy") {
    process.stderr.write(
      renderReadyBanner({
        ...request.banner,
        pid,
        logPath: undefined,
        detached: false,
        elapsedMs: performance.now() - request.startedAt,
      }),
    );
  } else if (!interrupted) {
    if (outcome === "timeout") signalGroup(pid, "SIGTERM");
    logger.info(
      chalk.red(
        `the proxy ${outcome === "exited" ? "exited during start-up" : "did not answer in time"}; its output is above`,
      ),
    );
  }
  const code = await exited;
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  clearProxyState(request.projectDir);
  if (interrupted) throw new ExitError(ExitCode.interrupted);
  throw new ExitError(code === 0 ? ExitCode.ok : ExitCode.failed);
}

const START_MARK = "--- tdm-litellm: starting the proxy";

/** The lines after the last start mark: earlier runs' lines mislead. */
function linesOfThisStart(lines: string[]): string[] {
  const mark = lines.findLastIndex((line) => line.startsWith(START_MARK));
  return mark === -1 ? lines : lines.slice(mark + 1);
}

function startFailure(
  outcome: "exited" | "timeout",
  request: StartRequest,
  tail: string[],
): UserError {
  const url = livelinessUrl(request.banner.host, request.banner.port);
  return new UserError(
    outcome === "exited"
      ? "the proxy exited during start-up"
      : `the proxy did not answer ${url} within ${Math.round(request.timeoutMs / 1_000)} s and was stopped`,
    {
      exitCode: ExitCode.failed,
      details: [
        `last lines of ${request.logPath}:`,
        ...tail.map((line) => `  ${redactKnownSecrets(line, request.secrets)}`),
      ],
      hint:
        outcome === "timeout"
          ? `read the log with \`tdm-litellm logs\`; if the proxy only starts slowly here, raise \`proxy.startup_timeout_seconds\` in tdm-litellm.yaml`
          : `read the whole log with \`tdm-litellm logs\`; \`tdm-litellm check-config\` finds most config faults`,
    },
  );
}

/**
 * Signals the process and, when it leads its own process group (as a
 * detached proxy does), every process in that group.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  const leadsGroup =
    tryReadProcessGroup(pid) === pid ||
    (!isProcessAlive(pid) && listProcessGroup(pid).length > 0);
  const target = leadsGroup ? -pid : pid;
  try {
    process.kill(target, signal);
  } catch {
    // Already gone.
  }
}

/**
 * SIGTERM to the proxy's group and to every process below it (a foreground
 * proxy started without job control does not lead a group), SIGKILL to
 * whatever is left after the grace period; resolves when all are gone.
 */
export async function stopProcessGroup(
  pid: number,
  graceMs = STOP_GRACE_MS,
): Promise<"terminated" | "killed"> {
  const members = new Set([...listProcessTree(pid), ...listProcessGroup(pid)]);
  const remaining = () =>
    [...members].filter((member) => isProcessAlive(member));
  const signalAll = (signal: NodeJS.Signals) => {
    signalGroup(pid, signal);
    for (const member of remaining()) {
      if (member === pid) continue;
      try {
        process.kill(member, signal);
      } catch {
        // Already gone.
      }
    }
  };

  signalAll("SIGTERM");
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    if (remaining().length === 0 && listProcessGroup(pid).length === 0) {
      return "terminated";
    }
    await sleep(100);
  }
  while (remaining().length > 0 || listProcessGroup(pid).length > 0) {
    signalAll("SIGKILL");
    await sleep(50);
  }
  return "killed";
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
