import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath, URL } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = path.join(REPO_ROOT, "bin", "tdm-litellm");

/** The cache the end-to-end tests use (test/support/cache.ts). */
export function testCacheDir(...parts) {
  const root =
    process.env.TDM_LITELLM_TEST_CACHE ??
    path.join(os.homedir(), ".cache", "tdm-litellm-tests");
  const dir = path.join(root, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The environment the CLI runs with in the bench, as in the tests: the
 * launcher's XDG directories and uv's cache in the shared test cache, so
 * Python environments built by the tests are reused, and no colour.
 */
export function cliEnvironment(extra = {}) {
  return {
    ...process.env,
    XDG_CACHE_HOME: testCacheDir("xdg", "cache"),
    XDG_DATA_HOME: testCacheDir("xdg", "data"),
    XDG_STATE_HOME: testCacheDir("xdg", "state"),
    UV_CACHE_DIR: testCacheDir("uv"),
    FORCE_COLOR: "0",
    NO_COLOR: "1",
    ...extra,
  };
}
