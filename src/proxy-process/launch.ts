import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../fs-atomic.js";

/** A program to start, fully prepared: no shell, every value in argv. */
export interface LaunchPlan {
  argv: [string, ...string[]];
  env: Record<string, string>;
  cwd: string;
}

/**
 * A comment put in front of the proxy's inline program, so that its command
 * line tells whose proxy it is (`up` names it when it holds a wanted port).
 */
export const PROXY_MARKER = "tdm-litellm proxy";

export function proxyArgv(options: {
  python: string;
  entryArgs: string[];
  configPath: string;
  host: string;
  port: number;
  workers: number;
}): [string, ...string[]] {
  const [flag, code, ...rest] = options.entryArgs;
  const entryArgs =
    flag === "-c" && code !== undefined
      ? [flag, `# ${PROXY_MARKER}\n${code}`, ...rest]
      : options.entryArgs;
  return [
    options.python,
    ...entryArgs,
    "--config",
    options.configPath,
    // Always explicit: LiteLLM's defaults are 0.0.0.0, and HOST/PORT in
    // the environment would otherwise win.
    "--host",
    options.host,
    "--port",
    String(options.port),
    "--num_workers",
    String(options.workers),
  ];
}

/**
 * Hands the plan to the POSIX entry script, which replaces itself with the
 * program once Node has exited. The first line names the interpreter that
 * carries the plan out.
 */
export function writeExecPlan(planFile: string, plan: LaunchPlan): void {
  const body = JSON.stringify({
    argv: plan.argv,
    env: plan.env,
    cwd: plan.cwd,
  });
  writeFileAtomic(planFile, `${plan.argv[0]}\n${body}\n`, { mode: 0o600 });
}

/**
 * Starts the program in its own session and process group, its output
 * appended to a log file, and lets it run on after the launcher exits.
 */
export function spawnDetached(plan: LaunchPlan, logPath: string): number {
  mkdirSync(path.dirname(logPath), { recursive: true });
  const log = openSync(logPath, "a", 0o600);
  try {
    const child = spawn(plan.argv[0], plan.argv.slice(1), {
      cwd: plan.cwd,
      env: plan.env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    child.on("error", () => undefined);
    child.unref();
    if (child.pid === undefined)
      throw new Error(`could not start ${plan.argv[0]}`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}
