import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tryReadStartTime } from "./process-info.js";
import {
  clearProxyState,
  describeStaleState,
  isStateProcessAlive,
  stateFilePath,
  staleReasonOf,
  tryReadProxyState,
  writeProxyState,
  type ProxyState,
} from "./state.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0))
    rmSync(dir, { recursive: true, force: true });
});

function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-state-"));
  dirs.push(dir);
  return dir;
}

function stateOf(pid: number, startTime: number): ProxyState {
  return {
    pid,
    startTime,
    mode: "detached",
    host: "127.0.0.1",
    port: 4000,
    ref: "v1.80.10",
    commit: "a".repeat(40),
    configPath: "/p/config.yaml",
    logPath: "/p/.tdm-litellm/proxy.log",
    environmentDir: "/cache/envs/x",
    version: "1.80.10",
    startedAt: new Date().toISOString(),
  };
}

/** A PID that ran and exited, so nothing has it for a while. */
function exitedPid(): number {
  return spawnSync("true").pid;
}

describe("the proxy state file", () => {
  it("is written with mode 0600 and read back", () => {
    const dir = project();
    const state = stateOf(process.pid, tryReadStartTime(process.pid)!);
    writeProxyState(dir, state);
    expect(statSync(stateFilePath(dir)).mode & 0o777).toBe(0o600);
    expect(tryReadProxyState(dir)).toEqual(state);
    clearProxyState(dir);
    expect(tryReadProxyState(dir)).toBeUndefined();
  });

  it("recognises this process as alive by PID and start time", () => {
    const state = stateOf(process.pid, tryReadStartTime(process.pid)!);
    expect(staleReasonOf(state)).toBeUndefined();
    expect(isStateProcessAlive(state)).toBe(true);
  });

  it("tells an exited process from a PID reused by another program", () => {
    const gone = stateOf(exitedPid(), 1);
    expect(staleReasonOf(gone)).toBe("exited");
    expect(describeStaleState(gone, "exited")).toBe(
      `the proxy recorded as PID ${gone.pid} is no longer running; cleared its stale state`,
    );

    const reused = stateOf(process.pid, tryReadStartTime(process.pid)! + 1);
    expect(staleReasonOf(reused)).toBe("pid-reused");
    expect(isStateProcessAlive(reused)).toBe(false);
  });
});
