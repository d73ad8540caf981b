import chalk from "chalk";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ExitCode, ExitError, UserError } from "../errors.js";
import type { Logger } from "../output/logger.js";
import { redactKnownSecrets } from "../output/mask.js";
import { renderReadyBanner, type BannerFacts } from "./banner.js";
import { livelinessUrl, waitUntilHealthy } from "./health.js";
import { spawnDetached, writeExecPlan, type LaunchPlan } from "./launch.js";
import {
  isProcessAlive,
  listProcessGroup,
  tryReadProcessGroup,
  tryReadStartTime,
} from "./process-info.js";
import { clearProxyState, writeProxyState, type ProxyState } from "./state.js";
import { tailLines } from "./tail.js";

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
}

/**
 * Detached: the proxy in its own session, its output in the log; wait
 * until healthy, record it, print where to reach it, return.
 */
export async function startDetached(request: StartRequest): Promise<void> {
  const { plan, logPath, logger } = request;
  mkdirSync(path.dirname(logPath), { recursive: true });
  const pid = spawnDetached(plan, logPath);
  const startTime = tryReadStartTime(pid) ?? 0;
  writeProxyState(request.projectDir, {
    ...request.state,
    pid,
    startTime,
    mode: "detached",
    logPath,
    startedAt: new Date().toISOString(),
  });
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
    throw startFailure(outcome, request, tailLines(logPath, LOG_TAIL_LINES));
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
export function handOverToProxy(request: StartRequest, planFile: string): void {
  const pid = process.ppid;
  writeProxyState(request.projectDir, {
    ...request.state,
    pid,
    startTime: tryReadStartTime(pid) ?? 0,
    mode: "foreground",
    startedAt: new Date().toISOString(),
  });
  const watcher = spawn(
    process.execPath,
    [
      fileURLToPath(new URL("./start-watcher.js", import.meta.url)),
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
  if (interrupted) throw new ExitError(ExitCode.interrupted);
  throw new ExitError(code === 0 ? ExitCode.ok : ExitCode.failed);
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
      hint: `read the whole log with \`tdm-litellm logs\`; \`tdm-litellm check-config\` finds most config faults`,
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

function isGroupAlive(pid: number): boolean {
  return isProcessAlive(pid) || listProcessGroup(pid).length > 0;
}

/** SIGTERM to the group, SIGKILL after the grace period; resolves when gone. */
export async function stopProcessGroup(
  pid: number,
  graceMs = STOP_GRACE_MS,
): Promise<"terminated" | "killed"> {
  signalGroup(pid, "SIGTERM");
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    if (!isGroupAlive(pid)) return "terminated";
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  signalGroup(pid, "SIGKILL");
  while (isGroupAlive(pid)) {
    signalGroup(pid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return "killed";
}
