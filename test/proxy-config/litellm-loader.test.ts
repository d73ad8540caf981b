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
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveReferences } from "../../src/proxy-config/env-references.js";
import { checkProxyConfig } from "../../src/proxy-config/index.js";
import {
  POETRY_ERA_VERSION,
  unpackedRelease,
} from "../support/litellm-release.js";
import { FIXTURES_DIR } from "./support/fixtures.js";
import { normalizeLikePython } from "./support/normalize.js";
import { pythonWithPyYaml } from "./support/pyyaml.js";

/**
 * LiteLLM's own loading steps (from the 1.80.10 source distribution, run
 * with PyYAML) against our checker on every fixture: both refuse the same
 * files, and both read the same config after `include:` and `os.environ/`
 * references. Some variables are set (one to "True", one empty), the rest
 * are unset, so that every outcome of a reference is compared.
 */
const LOADER = fileURLToPath(
  new URL("./support/litellm_config_loader.py", import.meta.url),
);
const INCLUDE_MAIN = "08-berriai-config-with-include.yaml";
const INCLUDED = "09-berriai-included-models.yaml";

interface LoaderResult {
  file: string;
  ok: boolean;
  value?: unknown;
  error?: string;
}

let dir: string;
const results = new Map<string, LoaderResult>();
const envs = new Map<string, Record<string, string>>();

function configPath(name: string): string {
  return path.join(dir, name);
}

/** Every second referenced variable set, one to a boolean word, one empty. */
function envFor(text: string): Record<string, string> {
  const names = [
    ...new Set(
      [...text.matchAll(/os\.environ\/([A-Za-z_][A-Za-z0-9_]*)/g)].map(
        (match) => match[1] as string,
      ),
    ),
  ];
  const env: Record<string, string> = {};
  names.forEach((name, index) => {
    if (index % 2 === 1) return;
    env[name] = index === 0 ? "True" : index === 2 ? "" : `value-of-${name}`;
  });
  return env;
}

const fixtures = readdirSync(FIXTURES_DIR).filter((name) =>
  name.endsWith(".yaml"),
);

beforeAll(async () => {
  const [python, source] = await Promise.all([
    pythonWithPyYaml(),
    unpackedRelease(POETRY_ERA_VERSION),
  ]);
  dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-loader-"));
  for (const name of fixtures) {
    copyFileSync(path.join(FIXTURES_DIR, name), configPath(name));
  }
  copyFileSync(
    path.join(FIXTURES_DIR, INCLUDED),
    configPath("included_models.yaml"),
  );
  // One run per fixture: each gets its own environment.
  for (const name of fixtures) {
    const env = envFor(readFileSync(configPath(name), "utf8"));
    envs.set(name, env);
    const { stdout } = await execa(python, [LOADER, source, configPath(name)], {
      env: { PATH: process.env.PATH ?? "", ...env },
      extendEnv: false,
    });
    results.set(name, JSON.parse(stdout) as LoaderResult);
  }
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Codes for which LiteLLM's loading itself refuses the file. */
const REFUSING_CODES = new Set([
  "include-missing",
  "include-not-a-list",
  "include-not-a-path",
  "include-not-a-mapping",
  "include-cannot-extend",
  "empty-config",
]);

describe(`LiteLLM ${POETRY_ERA_VERSION}'s own config loading agrees`, () => {
  it.each(fixtures)("%s", (name) => {
    const expected = results.get(name);
    if (!expected) throw new Error(`the loader printed nothing for ${name}`);
    const env = envs.get(name) ?? {};
    const report = checkProxyConfig({ file: configPath(name), env });
    const refused = report.diagnostics.some(
      (d) => REFUSING_CODES.has(d.code) || d.code.startsWith("yaml-"),
    );
    expect(refused, expected.error ?? "LiteLLM loaded it").toBe(!expected.ok);
    if (!expected.ok || !report.config) return;
    expect(normalizeLikePython(resolveReferences(report.config, env))).toEqual(
      expected.value,
    );
  });

  it("includes 09 into 08 as LiteLLM does", () => {
    expect(results.get(INCLUDE_MAIN)).toMatchObject({
      ok: true,
      value: { model_list: [{ model_name: "included-model" }] },
    });
  });
});
