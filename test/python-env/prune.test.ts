import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { launcherPaths } from "../../src/paths.js";
import {
  pruneEnvironments,
  readEnvironmentsInUse,
  recordEnvironmentInUse,
} from "../../src/python-env/registry.js";

let root: string;
const saved = { ...process.env };
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-prune-"));
  process.env.XDG_CACHE_HOME = path.join(root, "cache");
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(root, { recursive: true, force: true });
});

function fakeEnvironment(key: string, bytes: number): string {
  const dir = path.join(launcherPaths().environments, key);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "payload"), Buffer.alloc(bytes));
  return dir;
}

it("removes environments no checkout's pin uses and reports the space", () => {
  const checkoutA = path.join(root, "a");
  const gone = path.join(root, "gone");
  mkdirSync(checkoutA);
  mkdirSync(gone);
  const used = fakeEnvironment("aaaaaaaaaaaaaaaa", 10);
  const unused = fakeEnvironment("bbbbbbbbbbbbbbbb", 5_000);
  const orphan = fakeEnvironment("cccccccccccccccc", 3_000);
  const leftover = fakeEnvironment(".dddddddddddddddd-x1", 100);
  recordEnvironmentInUse(checkoutA, "aaaaaaaaaaaaaaaa");
  recordEnvironmentInUse(gone, "cccccccccccccccc");
  rmSync(gone, { recursive: true });

  const result = pruneEnvironments();

  expect(existsSync(used)).toBe(true);
  expect(existsSync(unused)).toBe(false);
  expect(existsSync(orphan)).toBe(false);
  expect(existsSync(leftover)).toBe(false);
  expect(result.kept).toEqual(["aaaaaaaaaaaaaaaa"]);
  expect(result.removed.map((entry) => entry.key).sort()).toEqual([
    ".dddddddddddddddd-x1",
    "bbbbbbbbbbbbbbbb",
    "cccccccccccccccc",
  ]);
  expect(result.freedBytes).toBeGreaterThanOrEqual(8_100);
  expect(readEnvironmentsInUse()).toEqual({ [checkoutA]: "aaaaaaaaaaaaaaaa" });
});
