import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import * as z from "zod";
import { writeFileAtomic } from "../fs-atomic.js";
import { projectStateDir } from "../paths.js";
import { isProcessAlive, tryReadStartTime } from "./process-info.js";

const STATE_FILE = "proxy.json";

/** What `up` started, so that `status` and `down` find exactly that. */
export const proxyStateSchema = z.object({
  pid: z.number().int().positive(),
  /** Clock ticks since boot; a reused PID has another. */
  startTime: z.number().int().nonnegative(),
  mode: z.enum(["foreground", "detached"]),
  host: z.string(),
  port: z.number().int(),
  ref: z.string().optional(),
  commit: z.string().optional(),
  configPath: z.string(),
  logPath: z.string().optional(),
  environmentDir: z.string(),
  /** The LiteLLM release, as pyproject.toml states it. */
  version: z.string().optional(),
  /** ISO time of the start. */
  startedAt: z.string(),
});

export type ProxyState = z.infer<typeof proxyStateSchema>;

export function stateFilePath(projectDir: string): string {
  return path.join(projectStateDir(projectDir), STATE_FILE);
}

/** Written atomically with mode 0600: it names paths and a port. */
export function writeProxyState(projectDir: string, state: ProxyState): void {
  const file = stateFilePath(projectDir);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
}

export function tryReadProxyState(projectDir: string): ProxyState | undefined {
  try {
    const raw = JSON.parse(
      readFileSync(stateFilePath(projectDir), "utf8"),
    ) as unknown;
    const parsed = proxyStateSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function clearProxyState(projectDir: string): void {
  rmSync(stateFilePath(projectDir), { force: true });
}

/** True when the state's PID still is the process that was started. */
export function isStateProcessAlive(state: ProxyState): boolean {
  return staleReasonOf(state) === undefined;
}

/**
 * Why a recorded proxy is no longer the one that was started: its process
 * is gone, or its PID now belongs to another program.
 */
export function staleReasonOf(
  state: ProxyState,
): "exited" | "pid-reused" | undefined {
  if (!isProcessAlive(state.pid)) return "exited";
  const startTime = tryReadStartTime(state.pid);
  // Without /proc the start time cannot be compared; trust the PID.
  if (startTime === undefined) return undefined;
  return startTime === state.startTime ? undefined : "pid-reused";
}

/** A note for a cleared stale state, for `up`, `down` and `status`. */
export function describeStaleState(
  state: ProxyState,
  reason: "exited" | "pid-reused",
): string {
  return reason === "exited"
    ? `the proxy recorded as PID ${state.pid} is no longer running; cleared its stale state`
    : `PID ${state.pid} now belongs to another program, not the proxy that was started; cleared the stale state`;
}

const ENVIRONMENT_FILE = "environment.json";

/** The Python environment the last `up` used, for `status` when it is down. */
export const lastEnvironmentSchema = z.object({
  dir: z.string(),
  python: z.string(),
  commit: z.string(),
});

export type LastEnvironment = z.infer<typeof lastEnvironmentSchema>;

export function recordLastEnvironment(
  projectDir: string,
  environment: LastEnvironment,
): void {
  const file = path.join(projectStateDir(projectDir), ENVIRONMENT_FILE);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, JSON.stringify(environment, null, 2) + "\n", {
    mode: 0o600,
  });
}

export function tryReadLastEnvironment(
  projectDir: string,
): LastEnvironment | undefined {
  try {
    const raw = JSON.parse(
      readFileSync(
        path.join(projectStateDir(projectDir), ENVIRONMENT_FILE),
        "utf8",
      ),
    ) as unknown;
    const parsed = lastEnvironmentSchema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
