import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { checkProxyConfig } from "../../src/proxy-config/index.js";
import {
  brief,
  checkText,
  type CheckTextOptions,
} from "./support/check-text.js";

/** A model that needs nothing from the environment, and a safe key. */
const MODEL = `model_list:
  - model_name: local
    litellm_params:
      model: openai/local
      api_base: http://127.0.0.1:1234/v1
      api_key: none
`;
const SAFE_KEY = "sk-0123456789abcdef0123456789abcdef";
const KEYED = `${MODEL}general_settings:
  master_key: ${SAFE_KEY}
`;

interface Case {
  name: string;
  text: string;
  options?: CheckTextOptions;
  /** Every diagnostic, as `line:col severity code`. */
  expected: string[];
}

/** One row per kind of fault in ../shared/fixtures/CASES.md (1 to 15). */
const CASES: Case[] = [
  {
    name: "1 shell here-doc saved into the file",
    text: `cat > config.yaml << EOF\n${KEYED}EOF\n`,
    expected: [
      "1:1 error shell-text",
      "1:1 error yaml-syntax",
      "10:1 error shell-text",
      "10:1 error yaml-syntax",
    ],
  },
  {
    name: "2 a TAB after a value",
    text: KEYED.replace("model_name: local", "model_name: local\t"),
    expected: ["2:22 error yaml-tab"],
  },
  {
    name: "2 a TAB between key and value",
    text: KEYED.replace("model: openai/local", "model:\topenai/local"),
    expected: ["4:13 error yaml-tab"],
  },
  {
    name: "3 an unquoted date where text is needed",
    text: KEYED.replace(
      "api_key: none",
      "api_key: none\n      api_version: 2024-10-21",
    ),
    expected: ["7:20 error wrong-type"],
  },
  {
    name: "4 a key written twice",
    text: `${KEYED}  store_model_in_db: false\n  store_model_in_db: false\n`,
    expected: ["10:3 warning duplicate-key"],
  },
  {
    name: "6 an unset reference",
    text: KEYED.replace("api_key: none", "api_key: os.environ/LOCAL_KEY"),
    expected: ["6:16 error env-unset"],
  },
  {
    name: "6 a reference set but empty",
    text: KEYED.replace("api_key: none", "api_key: os.environ/LOCAL_KEY"),
    options: { env: { LOCAL_KEY: "" } },
    expected: ["6:16 warning env-empty"],
  },
  {
    name: "6 an unset Redis host under router_settings",
    text: `${KEYED}router_settings:\n  redis_host: os.environ/REDIS_HOST\n`,
    expected: ["10:15 error env-unset"],
  },
  {
    name: "7 a reference inside a list",
    text: `${KEYED}litellm_settings:\n  callbacks: ["os.environ/MY_CALLBACK"]\n`,
    options: { env: { MY_CALLBACK: "x" } },
    expected: ["10:15 warning env-reference-not-resolved"],
  },
  {
    name: "8 a variable from the config's own environment_variables",
    text: `${KEYED.replace("api_key: none", "api_key: os.environ/LOCAL_KEY")}environment_variables:\n  LOCAL_KEY: abc\n`,
    expected: [],
  },
  {
    name: "8 environment_variables that would change the proxy's process",
    text: `${KEYED}environment_variables:\n  PATH: /opt/bin\n  PORT: 8080\n  LANGFUSE_HOST: http://x\n`,
    expected: [
      "10:3 warning environment-variable-unsafe",
      "11:3 warning environment-variable-ignored",
    ],
  },
  {
    name: "9 template placeholders",
    text: KEYED.replace("openai/local", "openai/<model-name-on-that-server>")
      .replace("http://127.0.0.1:1234/v1", "https://your-endpoint.example.com")
      .concat(
        '  database_url: "postgresql://<user>:<password>@<host>:<port>/<db>"\n',
      ),
    expected: [
      "4:14 error placeholder",
      "5:17 error placeholder",
      "9:17 error placeholder",
    ],
  },
  {
    name: "10 a SQLite database URL",
    text: `${KEYED}  database_url: sqlite:///data/litellm.db\n`,
    expected: ["9:17 error database-not-postgres"],
  },
  {
    name: "10 a SQLite DATABASE_URL in the environment",
    text: KEYED,
    options: { env: { DATABASE_URL: "sqlite:///x.db" } },
    expected: ["7:1 error database-not-postgres"],
  },
  {
    name: "11 master_key and database_url under litellm_settings",
    text: `${KEYED}litellm_settings:\n  master_key: ${SAFE_KEY}\n  database_url: postgresql://u:p@h/db\n`,
    expected: ["10:3 error misplaced-setting", "11:3 error misplaced-setting"],
  },
  {
    name: "12 the example key sk-1234 before v1.104",
    text: KEYED.replace(SAFE_KEY, "sk-1234"),
    expected: ["8:15 warning master-key-unsafe"],
  },
  {
    name: "12 the example key sk-1234 from v1.104",
    text: KEYED.replace(SAFE_KEY, "sk-1234"),
    options: { litellmVersion: "1.104.0" },
    expected: ["8:15 error master-key-unsafe"],
  },
  {
    name: "12 an empty key from v1.104",
    text: KEYED.replace(SAFE_KEY, '""'),
    options: { litellmVersion: "1.104.2" },
    expected: ["8:15 error master-key-unsafe"],
  },
  {
    name: "12 no key at all from v1.104",
    text: MODEL,
    options: { litellmVersion: "1.104.0" },
    expected: ["1:1 error master-key-unsafe"],
  },
  {
    name: "12 no key at all before v1.104",
    text: MODEL,
    expected: ["1:1 warning master-key-unsafe"],
  },
  {
    name: "12 a key from an unset variable from v1.104",
    text: KEYED.replace(SAFE_KEY, "os.environ/LITELLM_MASTER_KEY"),
    options: { litellmVersion: "1.104.0" },
    expected: ["8:3 error master-key-unsafe", "8:15 error env-unset"],
  },
  {
    name: "12 a weak key allowed by the override from v1.104",
    text: KEYED.replace(SAFE_KEY, "sk-1234"),
    options: {
      litellmVersion: "1.104.0",
      env: { LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY: "true" },
    },
    expected: ["8:15 warning master-key-unsafe"],
  },
  {
    name: "12 a key without the sk- prefix",
    text: KEYED.replace(SAFE_KEY, "0123456789abcdef0123456789abcdef0123"),
    expected: ["8:15 warning master-key-weak"],
  },
  {
    name: "12 the key from LITELLM_MASTER_KEY",
    text: MODEL,
    options: { env: { LITELLM_MASTER_KEY: SAFE_KEY } },
    expected: [],
  },
  {
    name: "13 a Redis cache without a host",
    text: `${KEYED}litellm_settings:\n  cache: true\n  cache_params:\n    type: redis\n`,
    expected: ["11:3 error redis-no-host"],
  },
  {
    name: "13 a Redis cache with REDIS_HOST and a quoted port",
    text: `${KEYED}litellm_settings:\n  cache: true\n  cache_params:\n    type: redis\n    port: "6379"\n`,
    options: { env: { REDIS_HOST: "localhost" } },
    expected: ["13:11 info redis-port-quoted"],
  },
  {
    name: "13 cache: true alone means Redis",
    text: `${KEYED}litellm_settings:\n  cache: true\n`,
    expected: ["10:3 error redis-no-host"],
  },
  {
    name: "14 an ollama model without api_base",
    text: KEYED.replace("model: openai/local", "model: ollama/llama3").replace(
      "      api_base: http://127.0.0.1:1234/v1\n",
      "",
    ),
    expected: ["3:5 warning ollama-without-api-base"],
  },
  {
    name: "15 an unknown top-level key",
    text: `${KEYED}cache_config:\n  type: redis\n`,
    expected: ["9:1 warning unknown-key"],
  },
  {
    name: "15 an unknown general_settings key",
    text: `${KEYED}  log_level: DEBUG\n`,
    expected: ["9:3 warning unknown-key"],
  },
  {
    name: "15 a typo in router_settings",
    text: `${KEYED}router_settings:\n  routing_stratgy: least-busy\n`,
    expected: ["10:3 warning unknown-key"],
  },
  {
    name: "15 a typo in litellm_settings",
    text: `${KEYED}litellm_settings:\n  drop_param: true\n`,
    expected: ["10:3 warning unknown-key"],
  },
];

describe("every kind of fault in CASES.md", () => {
  it.each(CASES)("$name", ({ text, options, expected }) => {
    expect(brief(checkText(text, options))).toEqual(expected);
  });
});

describe("messages and hints", () => {
  it("names both lines of a duplicate key", () => {
    const [diagnostic] = checkText(
      `${KEYED}  store_model_in_db: true\n  store_model_in_db: false\n`,
    ).diagnostics;
    expect(diagnostic?.message).toBe(
      "key `store_model_in_db` is written twice (lines 9 and 10); LiteLLM keeps only the last one (line 10)",
    );
    expect(
      checkText(
        `${KEYED}  store_model_in_db: true\n  store_model_in_db: true\n`,
      ).errorCount,
    ).toBe(0);
  });

  it("says that a here-doc line is a shell command", () => {
    const [first] = checkText(
      `cat > config.yaml << EOF\n${KEYED}EOF\n`,
    ).diagnostics;
    expect(first?.message).toBe("line 1 is a shell command, not YAML");
  });

  it.each([
    [
      "cache_config",
      "",
      "use `litellm_settings.cache_params` (with `litellm_settings.cache: true`)",
    ],
    [
      "routing_stratgy",
      "router_settings:\n",
      "did you mean `routing_strategy`?",
    ],
    ["drop_param", "litellm_settings:\n", "did you mean `drop_params`?"],
    [
      "store_model_in_db",
      "router_settings:\n",
      "move `store_model_in_db` under `general_settings:`",
    ],
  ])("suggests the fix for %s", (key, section, hint) => {
    const indent = section ? "  " : "";
    const report = checkText(`${KEYED}${section}${indent}${key}: 1\n`);
    expect(report.diagnostics.map((d) => d.hint)).toContain(hint);
  });

  it("tells set-but-empty apart from unset", () => {
    const text = KEYED.replace("api_key: none", "api_key: os.environ/K");
    expect(checkText(text).diagnostics[0]?.message).toBe(
      "K is not set, so LiteLLM reads `model_list.0.litellm_params.api_key` as empty (None)",
    );
    expect(checkText(text, { env: { K: "" } }).diagnostics[0]?.message).toBe(
      "K is set but empty, so `model_list.0.litellm_params.api_key` is an empty string",
    );
  });

  it("points out a variable name in the wrong case", () => {
    const text = KEYED.replace(
      "api_key: none",
      "api_key: os.environ/local_key",
    );
    const [diagnostic] = checkText(text, {
      env: { LOCAL_KEY: "x" },
    }).diagnostics;
    expect(diagnostic?.hint).toBe(
      "LOCAL_KEY is set; names are case-sensitive, so write `os.environ/LOCAL_KEY`",
    );
  });
});

describe("YAML 1.1 values are read as LiteLLM reads them", () => {
  it("reads 20_000 as a number, on/off as booleans and dates as dates", () => {
    const report = checkText(
      `${KEYED.replace("api_key: none", "api_key: none\n      tpm: 20_000\n      rpm: 0x10")}litellm_settings:\n  drop_params: on\n  set_verbose: off\n`,
    );
    expect(report.errorCount).toBe(0);
    const [model] = report.config?.model_list as {
      litellm_params: Record<string, unknown>;
    }[];
    expect(model?.litellm_params).toMatchObject({ tpm: 20000, rpm: 16 });
    expect(report.config?.litellm_settings).toEqual({
      drop_params: true,
      set_verbose: false,
    });
  });
});

describe("models, fallbacks and providers", () => {
  const two = (idA: string, idB: string) => `model_list:
  - model_name: a
    litellm_params: {model: openai/a, api_base: "http://h", api_key: none}
    model_info: {id: ${idA}}
  - model_name: b
    litellm_params: {model: openai/b, api_base: "http://h", api_key: none}
    model_info: {id: ${idB}}
general_settings:
  master_key: ${SAFE_KEY}
`;

  it.each<[string, string, CheckTextOptions, string[]]>([
    [
      "a duplicate model_info.id",
      two("x", "x"),
      {},
      ["7:22 error duplicate-model-id"],
    ],
    [
      "an id equal to a model_name",
      two("b", "y"),
      {},
      ["4:22 error model-id-is-a-model-name"],
    ],
    [
      "a fallback to a model_name that does not exist",
      `${two("x", "y")}router_settings:\n  fallbacks: [{a: [b, c]}]\n`,
      {},
      ["11:16 error fallback-unknown-model"],
    ],
    [
      "a fallback through a wildcard model_name",
      `${two("x", "y").replace("model_name: b", 'model_name: "openai/*"')}router_settings:\n  fallbacks: [{a: [openai/gpt-4o]}]\n`,
      {},
      [],
    ],
    [
      "a router setting that belongs in general_settings",
      `${two("x", "y")}router_settings:\n  health_check_interval: 30\n`,
      {},
      ["11:3 warning unknown-key", "11:3 warning misplaced-setting"],
    ],
    [
      "a cloud model with no key anywhere",
      `model_list:\n  - model_name: c\n    litellm_params: {model: anthropic/claude-sonnet-4}\ngeneral_settings: {master_key: ${SAFE_KEY}}\n`,
      {},
      ["3:5 error provider-key-missing"],
    ],
    [
      "a cloud model with its key in the environment",
      `model_list:\n  - model_name: c\n    litellm_params: {model: anthropic/claude-sonnet-4}\ngeneral_settings: {master_key: ${SAFE_KEY}}\n`,
      { env: { ANTHROPIC_API_KEY: "sk-ant-x" } },
      [],
    ],
    [
      "a Bedrock model with no visible credentials",
      `model_list:\n  - model_name: c\n    litellm_params: {model: bedrock/anthropic.claude-3}\ngeneral_settings: {master_key: ${SAFE_KEY}}\n`,
      {},
      ["3:5 warning provider-key-missing"],
    ],
    [
      "an Azure model without a base",
      `model_list:\n  - model_name: c\n    litellm_params: {model: azure/gpt-4o, api_key: k}\ngeneral_settings: {master_key: ${SAFE_KEY}}\n`,
      {},
      ["3:5 error provider-base-missing"],
    ],
    [
      "a deployment without litellm_params.model",
      `model_list:\n  - model_name: c\n    litellm_params: {api_key: k}\ngeneral_settings: {master_key: ${SAFE_KEY}}\n`,
      {},
      ["3:5 error missing-key"],
    ],
    [
      "a number that is text",
      `model_list:\n  - model_name: c\n    litellm_params: {model: openai/c, api_base: "http://h", api_key: k, rpm: "100"}\ngeneral_settings: {master_key: ${SAFE_KEY}}\n`,
      {},
      ["3:78 error wrong-type"],
    ],
    [
      "an unknown model_info.mode",
      `model_list:\n  - model_name: c\n    litellm_params: {model: openai/c, api_base: "http://h", api_key: k}\n    model_info: {mode: embeddings}\ngeneral_settings: {master_key: ${SAFE_KEY}}\n`,
      {},
      ["4:24 warning unknown-model-mode"],
    ],
  ])("%s", (_name, text, options, expected) => {
    expect(brief(checkText(text, options))).toEqual(expected);
  });
});

describe("include:", () => {
  it("reports a problem at its place in the included file", () => {
    const report = checkText(
      `include: [models.yaml]\n${KEYED.replace(MODEL, "")}`,
      {
        files: {
          "models.yaml":
            "model_list:\n  - model_name: m\n    litellm_params:\n      model: groq/llama\n",
        },
      },
    );
    expect(report.files.map((f) => path.basename(f))).toEqual([
      "config.yaml",
      "models.yaml",
    ]);
    expect(
      report.diagnostics.map(
        (d) => `${path.basename(d.file)}:${d.line}:${d.column} ${d.code}`,
      ),
    ).toEqual(["models.yaml:3:5 provider-key-missing"]);
  });

  it("extends lists and replaces everything else, later includes winning", () => {
    const report = checkText(
      `include: [a.yaml, b.yaml]\n${KEYED}litellm_settings: {drop_params: true}\n`,
      {
        files: {
          "a.yaml":
            "model_list:\n  - {model_name: a, litellm_params: {model: openai/a, api_base: 'http://h', api_key: k}}\nlitellm_settings: {set_verbose: true}\n",
          "b.yaml": "litellm_settings: {json_logs: true}\n",
        },
      },
    );
    expect(report.errorCount).toBe(0);
    const names = (report.config?.model_list as { model_name: string }[]).map(
      (m) => m.model_name,
    );
    expect(names).toEqual(["local", "a"]);
    expect(report.config?.litellm_settings).toEqual({ json_logs: true });
  });

  it("stops a file that includes itself, where LiteLLM would loop", () => {
    const report = checkText(`include: [a.yaml]\n${KEYED}`, {
      files: { "a.yaml": "include: [a.yaml]\nrouter_settings: {}\n" },
    });
    expect(report.diagnostics.map((d) => d.code)).toEqual(["include-loop"]);
  });

  it("fails on a missing included file", () => {
    expect(brief(checkText(`include: [missing.yaml]\n${KEYED}`))).toEqual([
      "1:11 error include-missing",
    ]);
  });

  it("refuses a YAML error in the included file, at its place there", () => {
    const report = checkText(`include: [bad.yaml]\n${KEYED}`, {
      files: { "bad.yaml": "model_list:\n  - model_name: x\t\n" },
    });
    expect(
      report.diagnostics.map(
        (d) => `${path.basename(d.file)}:${d.line}:${d.column} ${d.code}`,
      ),
    ).toEqual(["bad.yaml:2:18 yaml-tab"]);
  });
});

describe("files that cannot be checked", () => {
  it("5 throws a usage error for a missing file", () => {
    expect(() =>
      checkProxyConfig({ file: "/nonexistent/config.yaml", env: {} }),
    ).toThrow(UserError);
  });

  it("5 throws a usage error for a directory", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-dir-"));
    try {
      expect(() => checkProxyConfig({ file: dir, env: {} })).toThrow(
        /is a directory, not a file/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["an empty file", "", ["1:1 error empty-config"]],
    ["a list", "- a\n", ["1:1 error not-a-mapping"]],
  ])("refuses %s", (_name, text, expected) => {
    expect(brief(checkText(text))).toEqual(expected);
  });
});
