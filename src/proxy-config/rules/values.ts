import { isMapping } from "../includes.js";
import { isAtLeast } from "../version.js";
import { nearestKey } from "../suggest.js";
import type { YamlPath } from "../source.js";
import type { Rule, RuleContext } from "./context.js";
import { asMapping } from "./settings.js";

/** Template text left in a value: `<user>`, `your-endpoint`, `example.com`. */
const PLACEHOLDERS: readonly [RegExp, string][] = [
  [/<[A-Za-z][\w .-]*>/, "a `<...>` template placeholder"],
  [/\byour[-_][a-z]/i, "a `your-...` template placeholder"],
  [/\bexample\.(?:com|org|net)\b/i, "an example.com address"],
  [/\b(?:changeme|change[-_]me|replace[-_]?me)\b/i, "a placeholder"],
  [/^x{4,}$/i, "a placeholder"],
];

const SECTIONS_WITH_VALUES = [
  "model_list",
  "general_settings",
  "router_settings",
  "litellm_settings",
  "environment_variables",
] as const;

/** Template placeholders left in: starts, then every call fails. */
export const checkPlaceholders: Rule = (context) => {
  for (const section of SECTIONS_WITH_VALUES) {
    walkStrings(context.config[section], [section], (value, walked) => {
      const found = PLACEHOLDERS.find(([pattern]) => pattern.test(value));
      if (!found) return;
      const [pattern, what] = found;
      const path = [...walked];
      const MAX_QUOTED = 80;
      const text =
        value.length <= MAX_QUOTED
          ? value
          : (pattern.exec(value)?.[0] ?? value);
      context.report({
        severity: "error",
        code: "placeholder",
        message: `\`${path.join(".")}\` still holds ${what} (\`${text}\`)`,
        path,
        atValue: true,
        hint: "replace the placeholder with the real value",
      });
    });
  }
};

const POSTGRES_SCHEMES = ["postgresql://", "postgres://"];

/** LiteLLM's database is PostgreSQL only; others hang or exit at start. */
export const checkDatabaseUrl: Rule = (context) => {
  const general = asMapping(context.resolved.general_settings);
  const fromConfig = general?.database_url;
  const url =
    typeof fromConfig === "string" ? fromConfig : context.env.DATABASE_URL;
  if (!url) return;
  if (POSTGRES_SCHEMES.some((scheme) => url.startsWith(scheme))) return;
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? "(no scheme)";
  context.report({
    severity: "error",
    code: "database-not-postgres",
    message: `LiteLLM needs a PostgreSQL database URL, not ${scheme}${typeof fromConfig === "string" ? "" : " (from DATABASE_URL)"}`,
    path: ["general_settings", "database_url"],
    atValue: true,
    hint: "use postgresql://user:password@host:5432/db, or let tdm-litellm manage a local database (`database.managed: true`)",
  });
};

/** From this release the proxy refuses an unset, empty or public key. */
const MASTER_KEY_REFUSAL_RELEASE = "1.104.0";
const PUBLIC_MASTER_KEYS = new Set(["sk-1234"]);
/** Below this many characters, a key is guessable. */
const MIN_STRONG_KEY_LENGTH = 32;
const GENERATE_KEY =
  'echo "LITELLM_MASTER_KEY=sk-$(openssl rand -hex 32)" >> .env';

/**
 * The master key by the rule of the checked-out release: from v1.104.0
 * the proxy refuses to start without a usable key (unless told not to);
 * before, it ran without authentication.
 */
export const checkMasterKey: Rule = (context) => {
  const { key, path } = masterKeyOf(context);
  const unsafe =
    key === undefined
      ? "unset"
      : key.trim() === ""
        ? "empty"
        : PUBLIC_MASTER_KEYS.has(key.trim())
          ? "public"
          : undefined;
  if (unsafe) {
    reportUnsafeMasterKey(context, unsafe, path);
    return;
  }
  const trimmed = (key ?? "").trim();
  if (!trimmed.startsWith("sk-") || trimmed.length < MIN_STRONG_KEY_LENGTH) {
    context.report({
      severity: "warning",
      code: "master-key-weak",
      message: trimmed.startsWith("sk-")
        ? `the master key is short (${trimmed.length} characters) and may be guessed`
        : "the master key does not start with `sk-`, which LiteLLM expects of keys",
      path,
      atValue: true,
      hint: `generate one: ${GENERATE_KEY}, and read it with \`master_key: os.environ/LITELLM_MASTER_KEY\``,
    });
  }
};

function masterKeyOf(context: RuleContext): {
  key: string | undefined;
  path: YamlPath;
} {
  const general = asMapping(context.resolved.general_settings);
  // LiteLLM reads the environment only when the setting is absent.
  if (general && "master_key" in general) {
    const value = general.master_key;
    return {
      key: typeof value === "string" ? value : undefined,
      path: ["general_settings", "master_key"],
    };
  }
  return { key: context.env.LITELLM_MASTER_KEY, path: ["general_settings"] };
}

/** Set to `true`, these let a v1.104+ proxy start with an unsafe key. */
const OVERRIDE_VARIABLES = [
  "LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY",
  "LITELLM_DANGEROUSLY_ALLOW_UNSAFE_PROXY",
];

function reportUnsafeMasterKey(
  context: RuleContext,
  unsafe: "unset" | "empty" | "public",
  path: YamlPath,
): void {
  const what = {
    unset: "no master key is set",
    empty: "the master key is empty",
    public: "the master key is a publicly known example (`sk-1234`)",
  }[unsafe];
  const refuses = isAtLeast(context.litellmVersion, MASTER_KEY_REFUSAL_RELEASE);
  const overridden =
    OVERRIDE_VARIABLES.some(
      (name) => context.env[name]?.trim().toLowerCase() === "true",
    ) ||
    asMapping(context.resolved.general_settings)
      ?.dangerously_allow_unsafe_proxy === true;
  const release = context.litellmVersion
    ? `LiteLLM ${context.litellmVersion}`
    : "this LiteLLM";
  const consequence =
    unsafe === "public"
      ? "anyone who knows the example key gets in"
      : "every request is accepted without authentication";
  context.report({
    severity: refuses && !overridden ? "error" : "warning",
    code: "master-key-unsafe",
    message: refuses
      ? overridden
        ? `${what}; ${release} starts anyway because the override is set, and ${consequence}`
        : `${what}; ${release} refuses to start`
      : `${what}; ${release} starts anyway and ${consequence}`,
    path,
    atValue: unsafe !== "unset",
    hint: `generate a key: ${GENERATE_KEY}, and set \`general_settings.master_key: os.environ/LITELLM_MASTER_KEY\``,
  });
}

const REDIS_TYPES = new Set(["redis", "redis-semantic"]);
const REDIS_HOST_KEYS = [
  "host",
  "url",
  "startup_nodes",
  "redis_startup_nodes",
  "sentinel_nodes",
];
const REDIS_HOST_VARIABLES = [
  "REDIS_HOST",
  "REDIS_URL",
  "REDIS_CLUSTER_NODES",
  "REDIS_SENTINEL_NODES",
];

/**
 * A Redis cache needs a host, from `cache_params` or the environment;
 * without one LiteLLM runs with no cache. `cache: true` alone means Redis.
 */
export const checkRedisCache: Rule = (context) => {
  const settings = asMapping(context.resolved.litellm_settings);
  if (!settings || settings.cache !== true) return;
  const params = asMapping(settings.cache_params) ?? {};
  const type = typeof params.type === "string" ? params.type : "redis";
  if (!REDIS_TYPES.has(type)) return;
  const path = settings.cache_params
    ? ["litellm_settings", "cache_params"]
    : ["litellm_settings", "cache"];
  const hasHost =
    REDIS_HOST_KEYS.some((key) => isPresent(params[key])) ||
    REDIS_HOST_VARIABLES.some((name) => isPresent(context.env[name]));
  if (!hasHost) {
    context.report({
      severity: "error",
      code: "redis-no-host",
      message: `the ${type} cache has no host: neither \`cache_params.host\` nor REDIS_HOST or REDIS_URL is set, so LiteLLM runs without a cache`,
      path,
      hint: "set REDIS_HOST and REDIS_PORT (or REDIS_URL) in the env file, or `host:`/`port:` under `cache_params`",
    });
  }
  const port = asMapping(context.config.litellm_settings)?.cache_params;
  if (
    isMapping(port) &&
    typeof port.port === "string" &&
    !port.port.startsWith("os.environ/")
  ) {
    context.report({
      severity: "info",
      code: "redis-port-quoted",
      message: "the Redis port is a quoted string; write it as a number",
      path: ["litellm_settings", "cache_params", "port"],
      atValue: true,
      hint: `write \`port: ${port.port.replace(/\D/g, "") || 6379}\` without quotes`,
    });
  }
};

/** Without `api_base`, the proxy runs `ollama serve` itself. */
export const checkOllamaApiBase: Rule = (context) => {
  eachDeployment(context, (params, index) => {
    const model = params.model;
    if (typeof model !== "string" || !model.includes("ollama")) return;
    if (params.api_base !== undefined && params.api_base !== null) return;
    if (context.env.OLLAMA_API_BASE) return;
    context.report({
      severity: "warning",
      code: "ollama-without-api-base",
      message: `\`${model}\` has no \`api_base\`, so the proxy starts \`ollama serve\` in the background itself`,
      path: ["model_list", index, "litellm_params"],
      hint: "add `api_base: http://localhost:11434` (or wherever Ollama runs)",
    });
  });
};

/** Modes LiteLLM's health checks and routing know. */
const MODEL_MODES = [
  "chat",
  "completion",
  "embedding",
  "image_generation",
  "image_edit",
  "audio_transcription",
  "audio_speech",
  "moderation",
  "moderations",
  "rerank",
  "batch",
  "realtime",
  "responses",
  "video_generation",
  "ocr",
  "search",
];

/** `model_info.mode` outside the modes LiteLLM knows. */
export const checkModelMode: Rule = (context) => {
  const list = context.config.model_list;
  if (!Array.isArray(list)) return;
  list.forEach((entry, index) => {
    const info = isMapping(entry) ? asMapping(entry.model_info) : undefined;
    const mode = info?.mode;
    if (typeof mode !== "string" || MODEL_MODES.includes(mode)) return;
    const nearest = nearestKey(mode, MODEL_MODES);
    context.report({
      severity: "warning",
      code: "unknown-model-mode",
      message: `\`${mode}\` is not a mode LiteLLM knows; health checks treat the model as chat`,
      path: ["model_list", index, "model_info", "mode"],
      atValue: true,
      hint: nearest
        ? `did you mean \`${nearest}\`?`
        : `use one of ${MODEL_MODES.join(", ")}`,
    });
  });
};

export function eachDeployment(
  context: RuleContext,
  visit: (
    params: Record<string, unknown>,
    index: number,
    entry: Record<string, unknown>,
  ) => void,
): void {
  const list = context.resolved.model_list;
  if (!Array.isArray(list)) return;
  list.forEach((entry, index) => {
    if (!isMapping(entry)) return;
    const params = asMapping(entry.litellm_params);
    if (params) visit(params, index, entry);
  });
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

/**
 * Calls `visit` with every string in a value and its path. The path is one
 * array that the walk changes as it goes: copy it to keep it.
 */
function walkStrings(
  value: unknown,
  path: (string | number)[],
  visit: (value: string, path: YamlPath) => void,
): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      path.push(index);
      walkStrings(value[index], path, visit);
      path.pop();
    }
  } else if (isMapping(value)) {
    for (const key in value) {
      path.push(key);
      walkStrings(value[key], path, visit);
      path.pop();
    }
  }
}
