import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import {
  findInterpreterCachedOrThrow,
  satisfies,
} from "../../src/python-env/interpreter.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0))
    rmSync(dir, { recursive: true, force: true });
});

it.each([
  ["3.11.7", ">=3.9,<4.0", true],
  ["3.11.7", ">=3.10, <3.16", true],
  ["3.9.18", ">=3.10, <3.16", false],
  ["3.16.0", ">=3.10, <3.16", false],
  ["3.11.7", "^3.10", true],
  ["3.11.7", "~=3.12", false],
])("Python %s against %s: %s", (version, constraint, expected) => {
  expect(satisfies(version, constraint)).toBe(expected);
});

it("answers a repeated question from its cache without starting Python", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-interp-"));
  dirs.push(dir);
  const cacheFile = path.join(dir, "interpreters.json");
  const first = await findInterpreterCachedOrThrow({
    requested: "python3",
    requiresPython: ">=3.9",
    cacheFile,
  });
  expect(first.reason).toContain("asked for with --python");

  // A cached answer that only the cache could give.
  const question = JSON.stringify(["python3", ">=3.9", process.env.PATH ?? ""]);
  writeFileSync(
    cacheFile,
    JSON.stringify({
      [question]: {
        ...first,
        version: "3.99.0",
        mtimeMs: statSync(first.path).mtimeMs,
      },
    }),
  );
  const second = await findInterpreterCachedOrThrow({
    requested: "python3",
    requiresPython: ">=3.9",
    cacheFile,
  });
  expect(second.version).toBe("3.99.0");
});

it("explains why no interpreter fits", async () => {
  await expect(
    findInterpreterCachedOrThrow({
      requested: "python3",
      requiresPython: ">=3.99",
      cacheFile: path.join(os.tmpdir(), "tdm-litellm-never-written.json"),
    }),
  ).rejects.toMatchObject({
    message: "no usable Python interpreter",
    details: [expect.stringMatching(/requires Python >=3\.99/)],
  });
});
