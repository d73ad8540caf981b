import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, runCli } from "./support/cli.js";

const SAFE_KEY = "sk-0123456789abcdef0123456789abcdef";
const VALID = `model_list:
  - model_name: local
    litellm_params:
      model: openai/local
      api_base: http://127.0.0.1:1234/v1
      api_key: none
general_settings:
  master_key: ${SAFE_KEY}
`;
const WITH_TAB = VALID.replace("model_name: local", "model_name: local\t");
const WITH_WARNING = `${VALID}  log_level: DEBUG\n`;

let dir: string;
const env = { PATH: process.env.PATH ?? "" };

beforeAll(async () => {
  await ensureBuilt();
  dir = mkdtempSync(path.join(os.tmpdir(), "tdm-cli-"));
  writeFileSync(path.join(dir, "valid.yaml"), VALID);
  writeFileSync(path.join(dir, "tab.yaml"), WITH_TAB);
  writeFileSync(path.join(dir, "warning.yaml"), WITH_WARNING);
  mkdirSync(path.join(dir, "a-directory.yaml"));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("tdm-litellm check-config", () => {
  it.each([
    ["a valid config", ["valid.yaml"], 0],
    ["an invalid config", ["tab.yaml"], 1],
    ["warnings only", ["warning.yaml"], 0],
    ["warnings under --strict", ["warning.yaml", "--strict"], 1],
    ["a missing file", ["missing.yaml"], 2],
    ["a directory", ["a-directory.yaml"], 2],
  ])("exits for %s with the right code", async (_name, args, code) => {
    const result = await runCli(["check-config", ...args], { cwd: dir, env });
    expect(result.exitCode, result.stdout + result.stderr).toBe(code);
  });

  it("prints the place, the line, a caret, the fix and a summary", async () => {
    const result = await runCli(["check-config", "tab.yaml"], {
      cwd: dir,
      env,
    });
    expect(result.stdout.split("\n")).toEqual([
      "tab.yaml",
      "",
      "tab.yaml:2:22 error yaml-tab found character '\\t' that cannot start any token",
      "  2 |   - model_name: local→",
      "                           ^",
      "  fix: replace the TAB with spaces, or delete it (PyYAML, which LiteLLM uses, refuses it)",
      "",
      "invalid: 1 error, 0 warnings in 1 file",
    ]);
  });

  it("says in one line what is wrong with a path it cannot check", async () => {
    const result = await runCli(["check-config", "a-directory.yaml"], {
      cwd: dir,
      env,
    });
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      `${path.join(dir, "a-directory.yaml")} is a directory, not a file`,
    );
  });

  it("prints the same report as JSON with --json", async () => {
    const result = await runCli(["check-config", "tab.yaml", "--json"], {
      cwd: dir,
      env,
    });
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toEqual({
      files: [path.join(dir, "tab.yaml")],
      errorCount: 1,
      warningCount: 0,
      diagnostics: [
        {
          severity: "error",
          code: "yaml-tab",
          message: "found character '\\t' that cannot start any token",
          file: path.join(dir, "tab.yaml"),
          line: 2,
          column: 22,
          hint: "replace the TAB with spaces, or delete it (PyYAML, which LiteLLM uses, refuses it)",
          source: "  - model_name: local\t",
        },
      ],
    });
  });
});
