import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
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
  return (
    isProcessAlive(state.pid) && tryReadStartTime(state.pid) === state.startTime
  );
}
