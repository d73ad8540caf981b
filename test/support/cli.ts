import { execa, type ResultPromise } from "execa";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { testCacheDir } from "./cache.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = path.join(REPO_ROOT, "bin", "tdm-litellm");

/**
 * The environment the CLI runs with in tests: the launcher's XDG
 * directories and uv's cache in the shared test cache, so environments and
 * downloads are reused across runs but kept out of the user's home.
 */
export function cliEnvironment(
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    XDG_CACHE_HOME: testCacheDir("xdg", "cache"),
    XDG_DATA_HOME: testCacheDir("xdg", "data"),
    XDG_STATE_HOME: testCacheDir("xdg", "state"),
    UV_CACHE_DIR: testCacheDir("uv"),
    FORCE_COLOR: "0",
    NO_COLOR: "1",
    ...extra,
  };
}

export interface CliResult {
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI through its entry script and waits for it. */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliResult> {
  const result = await execa(BIN, args, {
    cwd: options.cwd,
    env: options.env ?? cliEnvironment(),
    extendEnv: false,
    reject: false,
    stdin: "ignore",
  });
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** Starts the CLI and returns at once, for commands that keep running. */
export function startCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): ResultPromise<{ reject: false; all: true; stdin: "ignore" }> {
  return execa(BIN, args, {
    cwd: options.cwd,
    env: options.env ?? cliEnvironment(),
    extendEnv: false,
    reject: false,
    all: true,
    stdin: "ignore",
  });
}

/** A temporary directory removed by the returned function. */
export function temporaryDirectory(prefix = "tdm-litellm-test-"): {
  dir: string;
  remove: () => void;
} {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}

/** Polls until the check passes or the time is up. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}
