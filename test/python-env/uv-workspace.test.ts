import { execa } from "execa";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resolveDependencySetOrThrow } from "../../src/python-env/dependency-set.js";
import { readPyprojectOrThrow } from "../../src/python-env/pyproject.js";
import { tryEnsureUv } from "../../src/python-env/uv.js";
import { recordingLogger } from "./recording-logger.js";
import { useTestCacheDirs } from "./support.js";

/**
 * A uv workspace shaped like LiteLLM's 2026 repository, with no registry
 * dependencies so that `uv lock` needs no network: the root `litellm`,
 * whose `proxy` extra names its workspace members.
 */
const ROOT = `[project]
name = "litellm"
version = "9.9.9"
requires-python = ">=3.10"
dependencies = []

[project.optional-dependencies]
proxy = ["litellm-proxy==9.9.9", "litellm-enterprise==0.1.0", "litellm-proxy-extras==0.2.0"]

[tool.uv.sources]
litellm-proxy = { workspace = true }
litellm-enterprise = { workspace = true }
litellm-proxy-extras = { workspace = true }

[tool.uv.workspace]
members = ["enterprise", "litellm-proxy-extras", "packaging/litellm-proxy"]
`;

function member(
  name: string,
  version: string,
  dependencies = "[]",
  sources = "",
): string {
  return [
    "[project]",
    `name = "${name}"`,
    `version = "${version}"`,
    'requires-python = ">=3.10"',
    `dependencies = ${dependencies}`,
    "",
    "[build-system]",
    'requires = ["hatchling"]',
    'build-backend = "hatchling.build"',
    "",
    sources,
  ].join("\n");
}

let dir: string;
beforeAll(() => {
  useTestCacheDirs();
  dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-workspace-"));
  const files: Record<string, string> = {
    "pyproject.toml": ROOT,
    "enterprise/pyproject.toml": member("litellm-enterprise", "0.1.0"),
    "litellm-proxy-extras/pyproject.toml": member(
      "litellm-proxy-extras",
      "0.2.0",
    ),
    "packaging/litellm-proxy/pyproject.toml": member(
      "litellm-proxy",
      "9.9.9",
      '["litellm==9.9.9"]',
      "[tool.uv.sources]\nlitellm = { workspace = true }\n",
    ),
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("with uv.lock, takes the workspace members from the checkout and leaves LiteLLM out", async () => {
  const uv = await tryEnsureUv("python3", recordingLogger());
  expect(uv).toBeDefined();
  await execa(uv as string, ["lock", "--offline"], { cwd: dir });

  const set = await resolveDependencySetOrThrow({
    checkoutPath: dir,
    pyproject: readPyprojectOrThrow(dir),
    extras: ["proxy"],
    uv,
  });

  expect(set.packaging).toBe("uv-lock");
  expect(set.complete).toBe(true);
  expect(set.requirements).toEqual([
    `-e ${path.join(dir, "enterprise")}`,
    `-e ${path.join(dir, "litellm-proxy-extras")}`,
  ]);
}, 300_000);
