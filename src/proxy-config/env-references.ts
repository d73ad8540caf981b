import { isMapping, textOf, type Config } from "./includes.js";
import type { YamlPath } from "./source.js";

export const ENV_PREFIX = "os.environ/";

export type Environment = Readonly<Record<string, string | undefined>>;

export type ReferenceState = "set" | "empty" | "unset" | "not-resolved";

export interface EnvReference {
  name: string;
  path: YamlPath;
  state: ReferenceState;
}

/**
 * The variables of the config's `environment_variables:` block as the
 * launcher exports them: values as Python's `str()` writes them (LiteLLM
 * does the same when it applies the block), references resolved against
 * `env`, and entries without a value left out.
 */
export function readEnvironmentVariablesBlock(
  config: Record<string, unknown> | undefined,
  env: Environment = {},
): Record<string, string> {
  const block = config?.environment_variables;
  if (!isMapping(block)) return {};
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(block)) {
    if (value === null || value === undefined) continue;
    if (typeof value === "string" && value.startsWith(ENV_PREFIX)) {
      const resolved = env[value.slice(ENV_PREFIX.length)];
      if (resolved !== undefined) result[key] = resolved;
      continue;
    }
    result[key] = pythonStr(value);
  }
  return result;
}

/** What Python's `str()` makes of a YAML scalar. */
export function pythonStr(value: unknown): string {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  if (typeof value === "number" && Number.isInteger(value)) {
    // A YAML float such as `1.0` is indistinguishable here; ints are common.
    return String(value);
  }
  return textOf(value);
}

/**
 * Finds every `os.environ/NAME` and says what LiteLLM will make of it. Its
 * `_check_for_os_environ_vars` walks mappings at any depth and mappings
 * directly inside lists; a string directly inside a list, or anything in
 * a list inside a list, is left as it is.
 */
export function findEnvReferences(
  config: Config,
  env: Environment,
): EnvReference[] {
  const references: EnvReference[] = [];
  const visitMapping = (mapping: Config, path: YamlPath) => {
    for (const key in mapping) {
      const value = mapping[key];
      if (isMapping(value)) visitMapping(value, [...path, key]);
      else if (Array.isArray(value)) visitList(value, [...path, key]);
      else if (isReference(value)) {
        const name = value.slice(ENV_PREFIX.length);
        const at = [...path, key];
        references.push({ name, path: at, state: stateOf(env[name]) });
      }
    }
  };
  const visitList = (list: unknown[], path: YamlPath) => {
    list.forEach((item, index) => {
      const at = [...path, index];
      if (isMapping(item)) visitMapping(item, at);
      else collectUnresolved(item, at, references);
    });
  };
  visitMapping(config, []);
  return references;
}

function collectUnresolved(
  value: unknown,
  path: YamlPath,
  references: EnvReference[],
): void {
  if (isReference(value)) {
    references.push({
      name: value.slice(ENV_PREFIX.length),
      path,
      state: "not-resolved",
    });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) =>
      collectUnresolved(item, [...path, index], references),
    );
  } else if (isMapping(value)) {
    for (const [key, item] of Object.entries(value)) {
      collectUnresolved(item, [...path, key], references);
    }
  }
}

function isReference(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(ENV_PREFIX);
}

function stateOf(value: string | undefined): ReferenceState {
  if (value === undefined) return "unset";
  return value === "" ? "empty" : "set";
}

/**
 * The config with its references replaced as LiteLLM's `get_secret`
 * replaces them: the variable's value, `"true"`/`"false"` (any case,
 * trimmed) as booleans, an unset variable as null.
 */
export function resolveReferences(config: Config, env: Environment): Config {
  const resolveMapping = (mapping: Config): Config => {
    const result: Config = {};
    for (const key in mapping) {
      const value = mapping[key];
      if (isMapping(value)) result[key] = resolveMapping(value);
      else if (Array.isArray(value)) {
        result[key] = value.map((item: unknown) =>
          isMapping(item) ? resolveMapping(item) : item,
        );
      } else if (isReference(value)) {
        result[key] = resolveValue(env[value.slice(ENV_PREFIX.length)]);
      } else result[key] = value;
    }
    return result;
  };
  return resolveMapping(config);
}

function resolveValue(value: string | undefined): unknown {
  if (value === undefined) return null;
  const lower = value.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  return value;
}
