import { execa } from "execa";
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderReport, reportAsJson } from "../../src/output/diagnostics.js";
import { checkProxyConfig } from "../../src/proxy-config/index.js";
import { maskSourceLine } from "../../src/proxy-config/secrets.js";
import { checkText } from "./support/check-text.js";
import { FIXTURES_DIR } from "./support/fixtures.js";

/**
 * Secrets planted in the environment of every fixture (each variable the
 * fixture names, and the usual provider variables) and literal secrets in
 * configs must never reach the human report or the JSON.
 */
const PLANTED_PREFIX = "planted-Zq9x";

function plantedEnv(text: string): Record<string, string> {
  const names = new Set(
    [...text.matchAll(/os\.environ\/([A-Za-z_][A-Za-z0-9_]*)/g)].map(
      (match) => match[1] as string,
    ),
  );
  for (const name of [
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GEMINI_API_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "REDIS_PASSWORD",
  ]) {
    names.add(name);
  }
  const env: Record<string, string> = {};
  for (const name of names) env[name] = `${PLANTED_PREFIX}-${name}-secret`;
  env.DATABASE_URL = `postgresql://user:${PLANTED_PREFIX}-dbpass@localhost:5432/litellm`;
  // A master key that is weak by our rule, so a diagnostic sits on it.
  env.LITELLM_MASTER_KEY = `sk-${PLANTED_PREFIX}`;
  return env;
}

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function outputsOf(file: string, env: Record<string, string>): string {
  const report = checkProxyConfig({ file, env, litellmVersion: "1.104.0" });
  return renderReport(report) + reportAsJson(report);
}

describe("no output holds a secret", () => {
  it.each(readdirSync(FIXTURES_DIR).filter((name) => name.endsWith(".yaml")))(
    "planted in the environment of %s",
    (name) => {
      const file = path.join(FIXTURES_DIR, name);
      const output = outputsOf(file, plantedEnv(readFileSync(file, "utf8")));
      expect(output).not.toContain(PLANTED_PREFIX);
    },
  );

  it("written in the config itself, on lines that carry diagnostics", () => {
    const literal = "sk-live-0123456789abcdefLITERAL";
    const report = checkText(
      `model_list:
  - model_name: x
    litellm_params:
      model: sqlite-is-not-a-provider/x
      api_key: ${literal}\t
general_settings:
  master_key: short-${literal}
  database_url: mysql://root:${literal}@db/litellm
litellm_settings:
  master_key: "${literal}"
`,
    );
    expect(report.diagnostics.length).toBeGreaterThan(0);
    expect(renderReport(report) + reportAsJson(report)).not.toContain(literal);
  });

  it("in the lines shown under diagnostics of a file that parses", () => {
    const literal = "sk-live-0123456789abcdefLITERAL";
    const report = checkText(
      `model_list:
  - model_name: x
    litellm_params: {model: openai/x, api_key: "${literal}", api_base: "http://h", tpm: "many"}
general_settings:
  master_key: ${literal}
  database_url: mysql://root:${literal}@db/litellm
litellm_settings:
  master_key: "${literal}"
`,
    );
    const shown = report.diagnostics.map((d) => d.source ?? "").join("\n");
    expect(shown).toContain("master_key");
    expect(renderReport(report) + reportAsJson(report)).not.toContain(literal);
  });

  it("through the CLI, on stdout and stderr", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-secrets-"));
    temporary.push(dir);
    const name = "00-tdm-wrapper-local-example.yaml";
    const file = path.join(dir, name);
    copyFileSync(path.join(FIXTURES_DIR, name), file);
    const env = plantedEnv(readFileSync(file, "utf8"));
    const cli = path.resolve("dist", "cli.js");
    for (const args of [[], ["--json"]]) {
      const result = await execa(
        process.execPath,
        [cli, "check-config", file, ...args],
        { env: { ...env, FORCE_COLOR: "0" }, reject: false, cwd: dir },
      );
      expect(result.exitCode).toBe(1);
      expect(result.stdout + result.stderr).not.toContain(PLANTED_PREFIX);
    }
  });
});

describe("maskSourceLine", () => {
  it.each([
    ["      api_key: sk-REDACTED1", "      api_key: sk-…(12 chars)"],
    ['  - api_key: "abc123456"', '  - api_key: "…(9 chars)"'],
    [
      "  master_key: sk-1234 # comment",
      "  master_key: sk-…(7 chars) # comment",
    ],
    [
      '  database_url: "postgresql://llmproxy:dbpassword9090@localhost:5432/litellm"',
      '  database_url: "postgresql://llmproxy:***@localhost:5432/litellm"',
    ],
    ["      max_tokens: 4096", "      max_tokens: 4096"],
    ["      api_key: os.environ/KEY", "      api_key: os.environ/KEY"],
    ["  note: the value is hunter22", "  note: the value is …(8 chars)"],
  ])("shows %j as %j", (line, shown) => {
    expect(maskSourceLine(line, ["hunter22"])).toBe(shown);
  });
});
