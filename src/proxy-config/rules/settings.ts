import { isMapping } from "../includes.js";
import {
  GENERAL_SETTINGS_KEYS,
  LITELLM_MODULE_ATTRIBUTES,
  LITELLM_SETTINGS_HANDLED_KEYS,
  ROUTER_SETTINGS_KEYS,
  TOP_LEVEL_KEYS,
} from "../known-keys.js";
import { nearestKey } from "../suggest.js";
import type { Rule } from "./context.js";

/** Keys that only `general_settings` reads, and are lost elsewhere. */
const GENERAL_ONLY = new Set([
  "master_key",
  "database_url",
  "store_model_in_db",
  "database_connection_pool_limit",
  "database_connection_timeout",
  "alerting",
  "background_health_checks",
  "health_check_interval",
]);

/** Keys with consequences when lost: the proxy's auth and its database. */
const CRITICAL = new Set(["master_key", "database_url"]);

/** Keys that only `litellm_settings` reads. */
const LITELLM_ONLY = new Set([
  "cache",
  "cache_params",
  "success_callback",
  "failure_callback",
  "callbacks",
  "drop_params",
]);

const SECTIONS = ["litellm_settings", "router_settings"] as const;

/**
 * `master_key` or `database_url` under `litellm_settings` (several
 * published examples put them there), at the top level, or in
 * `router_settings`: LiteLLM ignores them there.
 */
export const checkMisplacedGeneralSettings: Rule = (context) => {
  const places: [string[], Record<string, unknown> | undefined][] = [
    [[], context.config],
    ...SECTIONS.map(
      (section): [string[], Record<string, unknown> | undefined] => [
        [section],
        asMapping(context.config[section]),
      ],
    ),
  ];
  for (const [path, mapping] of places) {
    if (!mapping) continue;
    for (const key of Object.keys(mapping)) {
      if (!GENERAL_ONLY.has(key)) continue;
      const where = path.length ? path.join(".") : "the top level";
      context.report({
        severity: CRITICAL.has(key) ? "error" : "warning",
        code: "misplaced-setting",
        message: `\`${key}\` belongs under \`general_settings\`; LiteLLM ignores it in ${where}`,
        path: [...path, key],
        hint: `move \`${key}\` under \`general_settings:\``,
      });
    }
  }
};

/** Cache and callback settings outside `litellm_settings`. */
export const checkMisplacedLitellmSettings: Rule = (context) => {
  const places: [string[], Record<string, unknown> | undefined][] = [
    [[], context.config],
    [["general_settings"], asMapping(context.config.general_settings)],
    [["router_settings"], asMapping(context.config.router_settings)],
  ];
  for (const [path, mapping] of places) {
    if (!mapping) continue;
    for (const key of Object.keys(mapping)) {
      if (!LITELLM_ONLY.has(key)) continue;
      const where = path.length ? path.join(".") : "the top level";
      context.report({
        severity: "warning",
        code: "misplaced-setting",
        message: `\`${key}\` belongs under \`litellm_settings\`; LiteLLM ignores it in ${where}`,
        path: [...path, key],
        hint: `move \`${key}\` under \`litellm_settings:\``,
      });
    }
  }
};

/**
 * A `litellm_settings` key that is neither handled nor an attribute of the
 * `litellm` module: LiteLLM sets it as a new attribute nobody reads, so a
 * typo passes silently.
 */
export const checkUnknownLitellmSettings: Rule = (context) => {
  const settings = asMapping(context.config.litellm_settings);
  if (!settings) return;
  const known = [
    ...LITELLM_SETTINGS_HANDLED_KEYS,
    ...LITELLM_MODULE_ATTRIBUTES,
  ];
  const knownSet = new Set(known);
  for (const key of Object.keys(settings)) {
    // Misplaced general settings have a rule of their own.
    if (knownSet.has(key) || GENERAL_ONLY.has(key)) continue;
    context.report({
      severity: "warning",
      code: "unknown-key",
      message: `LiteLLM does not know \`litellm_settings.${key}\`; it sets it on the litellm module, where nothing reads it`,
      path: ["litellm_settings", key],
      hint: unknownKeyHint("litellm_settings", key, known),
    });
  }
};

/** Where each section's known keys are, for "belongs under" hints. */
const SECTION_KEYS: Record<string, readonly string[]> = {
  "the top level": TOP_LEVEL_KEYS,
  general_settings: GENERAL_SETTINGS_KEYS,
  router_settings: ROUTER_SETTINGS_KEYS,
  litellm_settings: LITELLM_SETTINGS_HANDLED_KEYS,
};

/** Well-known mistakes whose fix is not the nearest spelling. */
const KNOWN_MISTAKES: Record<string, string> = {
  cache_config:
    "`litellm_settings.cache_params` (with `litellm_settings.cache: true`)",
  cache_settings:
    "`litellm_settings.cache_params` (with `litellm_settings.cache: true`)",
  log_level: "the `LITELLM_LOG` environment variable (`LITELLM_LOG=DEBUG`)",
  debug:
    "the `LITELLM_LOG` environment variable (`LITELLM_LOG=DEBUG`), or `litellm_settings.set_verbose`",
  port: "`proxy.port` in tdm-litellm.yaml (the launcher passes `--port`)",
  host: "`proxy.host` in tdm-litellm.yaml (the launcher passes `--host`)",
};

/**
 * The fix for an unknown key: the section where it is known, a known
 * mistake's fix, or the nearest known key of its own section.
 */
export function unknownKeyHint(
  section: string,
  key: string,
  known: readonly string[],
): string {
  const mistake = KNOWN_MISTAKES[key];
  if (mistake) return `use ${mistake}`;
  const home = Object.entries(SECTION_KEYS).find(
    ([name, keys]) => name !== section && keys.includes(key),
  );
  if (home) {
    return home[0] === "the top level"
      ? `move \`${key}\` to the top level`
      : `move \`${key}\` under \`${home[0]}:\``;
  }
  const nearest = nearestKey(key, known);
  return nearest
    ? `did you mean \`${nearest}\`?`
    : "check the spelling against LiteLLM's docs, or remove it";
}

export function asMapping(value: unknown): Record<string, unknown> | undefined {
  return isMapping(value) ? value : undefined;
}
