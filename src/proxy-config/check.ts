import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type * as z from "zod";
import { UserError } from "../errors.js";
import {
  readEnvironmentVariablesBlock,
  resolveReferences,
} from "./env-references.js";
import {
  at,
  isMapping,
  mergeIncludes,
  readSource,
  toDiagnostics,
  type Config,
  type MergedConfig,
} from "./includes.js";
import {
  CACHE_PARAMS_KEYS,
  GENERAL_SETTINGS_KEYS,
  ROUTER_SETTINGS_KEYS,
  TOP_LEVEL_KEYS,
} from "./known-keys.js";
import { RULES, type Finding } from "./rules/index.js";
import { unknownKeyHint } from "./rules/settings.js";
import { configQuickTest, configSchema } from "./schema.js";
import { collectSecrets, secretMasker } from "./secrets.js";
import { lineText, type SourceFile, type YamlPath } from "./source.js";
import type {
  CheckOptions,
  CheckReport,
  Diagnostic,
  Severity,
} from "./types.js";

const SEVERITY_ORDER: Record<Severity, number> = {
  error: 0,
  warning: 1,
  info: 2,
};

/**
 * Checks a proxy config the way LiteLLM will read it, and says for each
 * problem where it is and how to fix it. Throws a UserError only when the
 * file cannot be checked at all.
 */
export function checkProxyConfig(options: CheckOptions): CheckReport {
  const file = path.resolve(options.file);
  assertReadableFile(file);
  const main = readSource(file);
  const diagnostics = toDiagnostics(main);
  const secrets = collectSecrets([], options.env);

  const value = main.loaded.value;
  if (value === undefined) {
    // Said first: it explains the syntax errors that follow.
    diagnostics.unshift(...findShellText(main));
    return finish([main], diagnostics, undefined, secrets);
  }
  if (value === null) {
    diagnostics.push(
      at(main, [], {
        severity: "error",
        code: "empty-config",
        message:
          'the config is empty; LiteLLM refuses it ("Config cannot be None or Empty.")',
        hint: "add at least a `model_list:`; `tdm-litellm init` writes an example",
      }),
    );
    return finish([main], diagnostics, undefined, secrets);
  }
  if (!isMapping(value)) {
    diagnostics.push(
      at(main, [], {
        severity: "error",
        code: "not-a-mapping",
        message:
          "the config must be a mapping of sections (`model_list:`, `general_settings:`, ...)",
      }),
    );
    return finish([main], diagnostics, undefined, secrets);
  }

  const merged = mergeIncludes(main, value, diagnostics);
  const config = merged.config;
  const env = {
    ...options.env,
    ...readEnvironmentVariablesBlock(config, options.env),
  };
  const resolved = resolveReferences(config, env);
  const allSecrets = collectSecrets([config, resolved], env);
  const report = (finding: Finding) => diagnostics.push(place(merged, finding));

  checkShape(resolved, report);
  const context = {
    config,
    resolved,
    env,
    litellmVersion: options.litellmVersion,
    report,
  };
  for (const rule of RULES) rule(context);
  return finish(merged.sources, diagnostics, config, allSecrets);
}

function assertReadableFile(file: string): void {
  if (!existsSync(file)) {
    throw new UserError(`proxy config ${file} does not exist`, {
      hint: "create it, or set `proxy.config` in tdm-litellm.yaml to the right path",
    });
  }
  if (statSync(file).isDirectory()) {
    throw new UserError(`proxy config ${file} is a directory, not a file`, {
      hint: "point `proxy.config` at the YAML file (a container bind mount of a missing file creates a directory)",
    });
  }
}

/** Where known sections list their keys, for unknown-key hints. */
const SECTION_OF: Record<string, { name: string; keys: readonly string[] }> = {
  "": { name: "the top level", keys: TOP_LEVEL_KEYS },
  general_settings: { name: "general_settings", keys: GENERAL_SETTINGS_KEYS },
  router_settings: { name: "router_settings", keys: ROUTER_SETTINGS_KEYS },
  "litellm_settings.cache_params": {
    name: "cache_params",
    keys: CACHE_PARAMS_KEYS,
  },
};

const DEPLOYMENT_KEYS = [
  "model_name",
  "litellm_params",
  "model_info",
  "tpm",
  "rpm",
];

/** The zod schema's verdict, as findings with the fix. */
function checkShape(
  resolved: Config,
  report: (finding: Finding) => void,
): void {
  // Most configs are well shaped, and zod is asked only to explain what
  // the quick test cannot vouch for.
  if (configQuickTest()(resolved)) return;
  // One parse per process: compiling zod's fast path (with `new Function`)
  // costs more than it saves.
  const result = configSchema().safeParse(resolved, { jitless: true });
  if (result.success) return;
  for (const issue of result.error.issues) {
    const issuePath = issue.path.filter(
      (segment): segment is string | number => typeof segment !== "symbol",
    );
    for (const finding of findingsOf(issue, issuePath, resolved))
      report(finding);
  }
}

function findingsOf(
  issue: z.core.$ZodIssue,
  issuePath: (string | number)[],
  resolved: Config,
): Finding[] {
  const where = issuePath.join(".");
  if (issue.code === "unrecognized_keys") {
    const sectionKey = issuePath.filter((s) => typeof s === "string").join(".");
    const isDeployment =
      issuePath[0] === "model_list" && issuePath.length === 2;
    const section = isDeployment
      ? { name: "model_list entries", keys: DEPLOYMENT_KEYS }
      : (SECTION_OF[sectionKey] ?? { name: where, keys: [] });
    return issue.keys.map((key) => ({
      severity: "warning" as const,
      code: "unknown-key",
      message: `LiteLLM does not read \`${key}\` in ${section.name} and ignores it`,
      path: [...issuePath, key],
      hint: unknownKeyHint(section.name, key, section.keys),
    }));
  }
  const actual = valueAt(resolved, issuePath);
  if (issue.code === "invalid_type" && actual === undefined) {
    return [
      {
        severity: "error",
        code: "missing-key",
        message: `\`${where}\` is required; without it LiteLLM fails at start-up`,
        path: issuePath,
        hint: `add \`${String(issuePath[issuePath.length - 1])}:\``,
      },
    ];
  }
  const expected = issue.code === "invalid_type" ? issue.expected : undefined;
  return [
    {
      severity: "error",
      code: "wrong-type",
      message: expected
        ? `\`${where}\` must be ${article(expected)}, not ${describe(actual)}`
        : `\`${where}\`: ${issue.message}`,
      path: issuePath,
      atValue: true,
      ...(expected === "number" && typeof actual === "string"
        ? { hint: "write the number without quotes" }
        : {}),
    },
  ];
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Date) return "a date (quote it to keep it text)";
  if (isMapping(value)) return "a mapping";
  return article(typeof value);
}

function valueAt(config: Config, target: YamlPath): unknown {
  let value: unknown = config;
  for (const segment of target) {
    if (Array.isArray(value) && typeof segment === "number")
      value = value[segment];
    else if (isMapping(value)) value = value[String(segment)];
    else return undefined;
  }
  return value;
}

function place(merged: MergedConfig, finding: Finding): Diagnostic {
  const { source, path: inFile } = merged.locate(finding.path);
  const diagnostic = at(
    source,
    inFile,
    {
      severity: finding.severity,
      code: finding.code,
      message: finding.message,
      hint: finding.hint,
    },
    finding.atValue ? "value" : "key",
  );
  // The path a user knows is the merged one.
  if (finding.path.length) diagnostic.yamlPath = finding.path.join(".");
  return diagnostic;
}

/** Shell text saved into the file: a here-doc's first and last lines. */
const SHELL_LINE = /^\s*(?:(?:cat|tee|echo|printf)\b.*(?:<<|>)|EOF\s*$|\$ \S)/;

function findShellText(source: SourceFile): Diagnostic[] {
  const lines = source.text.split(/\r?\n/);
  const found: Diagnostic[] = [];
  lines.forEach((line, index) => {
    if (!SHELL_LINE.test(line)) return;
    found.push({
      severity: "error",
      code: "shell-text",
      message: `line ${index + 1} is a shell command, not YAML`,
      file: source.file,
      line: index + 1,
      column: 1,
      hint: "delete it: it is the shell command (here-doc) that was meant to write the file",
    });
  });
  return found;
}

function finish(
  sources: SourceFile[],
  diagnostics: Diagnostic[],
  config: Config | undefined,
  secrets: string[],
): CheckReport {
  const byFile = new Map(
    sources.map((source, index) => [source.file, { source, index }]),
  );
  const mask = secretMasker(secrets);
  const masked = diagnostics.map((diagnostic) => {
    const entry = byFile.get(diagnostic.file);
    const text =
      entry && diagnostic.line
        ? lineText(entry.source, diagnostic.line)
        : undefined;
    return {
      ...diagnostic,
      message: mask.text(diagnostic.message),
      ...(diagnostic.hint ? { hint: mask.text(diagnostic.hint) } : {}),
      ...(text !== undefined ? { source: mask.sourceLine(text) } : {}),
    };
  });
  masked.sort(
    (a, b) =>
      (byFile.get(a.file)?.index ?? 0) - (byFile.get(b.file)?.index ?? 0) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  return {
    files: sources.map((source) => source.file),
    diagnostics: masked,
    config,
    errorCount: masked.filter((d) => d.severity === "error").length,
    warningCount: masked.filter((d) => d.severity === "warning").length,
  };
}
