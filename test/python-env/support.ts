import { execa, type ResultPromise } from "execa";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { testCacheDir } from "../support/cache.js";
import { unpackedRelease } from "../support/litellm-release.js";

/**
 * Points the launcher's XDG directories and uv's cache into the test
 * cache: environments survive between runs, the user's home is untouched.
 */
export function useTestCacheDirs(): void {
  process.env.XDG_CACHE_HOME = testCacheDir("xdg", "cache");
  process.env.XDG_DATA_HOME = testCacheDir("xdg", "data");
  process.env.XDG_STATE_HOME = testCacheDir("xdg", "state");
  process.env.UV_CACHE_DIR = testCacheDir("uv");
}

/** PATH without directories that hold a Rust toolchain. */
export function pathWithoutRust(value = process.env.PATH ?? ""): string {
  return value
    .split(path.delimiter)
    .filter((dir) => !/cargo|rustup|rust/i.test(dir))
    .join(path.delimiter);
}

const temporaries: string[] = [];

/** A writable copy of a release's source, removed by `removeTemporaries`. */
export async function checkoutCopy(version: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tdm-litellm-${version}-`));
  temporaries.push(dir);
  cpSync(await unpackedRelease(version), dir, { recursive: true });
  return dir;
}

export function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaries.push(dir);
  return dir;
}

export function removeTemporaries(): void {
  for (const dir of temporaries.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === "object" && address ? address.port : 0),
      );
    });
  });
}

/** A minimal proxy config with a strong, random master key. */
export function writeProxyConfig(dir: string): string {
  const file = path.join(dir, "proxy.yaml");
  writeFileSync(
    file,
    [
      "model_list:",
      "  - model_name: local",
      "    litellm_params:",
      "      model: openai/local",
      "      api_base: http://127.0.0.1:9/v1",
      "      api_key: none",
      "general_settings:",
      `  master_key: sk-${randomBytes(24).toString("hex")}`,
      "",
    ].join("\n"),
  );
  return file;
}

export interface RunningProxy {
  child: ResultPromise;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts the proxy as `up` would: interpreter, entry arguments, PYTHONPATH. */
export function startProxy(options: {
  python: string;
  args: string[];
  pythonPath: string[];
  config: string;
  port: number;
  cwd: string;
}): RunningProxy {
  let output = "";
  const child = execa(
    options.python,
    [
      ...options.args,
      "--config",
      options.config,
      "--host",
      "127.0.0.1",
      "--port",
      String(options.port),
    ],
    {
      cwd: options.cwd,
      all: true,
      buffer: false,
      reject: false,
      env: {
        PYTHONPATH: options.pythonPath.join(path.delimiter),
        LITELLM_LOCAL_MODEL_COST_MAP: "True",
        LITELLM_UI_PATH: path.join(options.cwd, "ui"),
        PYTHONUNBUFFERED: "1",
      },
    },
  );
  child.all?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return {
    child,
    output: () => output,
    stop: async () => {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await child;
      clearTimeout(timer);
    },
  };
}

/** Polls until `check` is true or the proxy exits; throws on timeout. */
export async function waitFor(
  proxy: RunningProxy,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proxy.child.finally(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (await check()) return;
    if (exited) {
      throw new Error(`the proxy exited:\n${proxy.output().slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out:\n${proxy.output().slice(-3000)}`);
}

export async function isLive(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/liveliness`);
    return response.status === 200;
  } catch {
    return false;
  }
}
