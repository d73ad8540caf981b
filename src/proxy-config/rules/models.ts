import { isMapping, textOf } from "../includes.js";
import { PROVIDER_NEEDS, providerOf } from "../providers.js";
import type { Rule, RuleContext } from "./context.js";
import { asMapping } from "./settings.js";
import { eachDeployment } from "./values.js";

/** `model_info.id` names one deployment; a second one shadows the first. */
export const checkDuplicateModelIds: Rule = (context) => {
  const firstIndex = new Map<string, number>();
  eachEntry(context, (entry, index) => {
    const id = asMapping(entry.model_info)?.id;
    if (id === undefined || id === null) return;
    const key = textOf(id);
    const earlier = firstIndex.get(key);
    if (earlier === undefined) {
      firstIndex.set(key, index);
      return;
    }
    context.report({
      severity: "error",
      code: "duplicate-model-id",
      message: `model_info.id \`${key}\` is also the id of model_list entry ${earlier}; LiteLLM keeps only one of the two deployments`,
      path: ["model_list", index, "model_info", "id"],
      atValue: true,
      hint: "give each deployment its own id, or remove `id` and let LiteLLM derive one",
    });
  });
};

/** An id equal to a `model_name` makes requests for that name ambiguous. */
export const checkModelIdIsNotAName: Rule = (context) => {
  const names = modelNames(context);
  eachEntry(context, (entry, index) => {
    const id = asMapping(entry.model_info)?.id;
    if (id === undefined || id === null || !names.has(textOf(id))) return;
    context.report({
      severity: "error",
      code: "model-id-is-a-model-name",
      message: `model_info.id \`${textOf(id)}\` equals a model_name; LiteLLM looks ids and names up in the same place`,
      path: ["model_list", index, "model_info", "id"],
      atValue: true,
      hint: "use an id no model_name uses, such as the name with a suffix (`-primary`)",
    });
  });
};

const FALLBACK_SETTINGS = [
  "fallbacks",
  "context_window_fallbacks",
  "content_policy_fallbacks",
];

/** Fallbacks must name `model_name`s (or aliases) that exist. */
export const checkFallbackTargets: Rule = (context) => {
  const names = modelNames(context);
  const router = asMapping(context.config.router_settings);
  const aliases = asMapping(router?.model_group_alias) ?? {};
  const exists = (name: string) =>
    names.has(name) || name in aliases || matchesWildcard(name, names);
  const fromDatabase =
    asMapping(context.resolved.general_settings)?.store_model_in_db === true;
  for (const section of ["router_settings", "litellm_settings"]) {
    const settings = asMapping(context.config[section]);
    for (const setting of FALLBACK_SETTINGS) {
      const list = settings?.[setting];
      if (!Array.isArray(list)) continue;
      list.forEach((item, index) => {
        if (!isMapping(item)) return;
        for (const [from, targets] of Object.entries(item)) {
          const path = [section, setting, index, from];
          const named: unknown[] = [
            from,
            ...(Array.isArray(targets) ? (targets as unknown[]) : [targets]),
          ];
          for (const name of named) {
            if (typeof name !== "string" || exists(name)) continue;
            context.report({
              severity: fromDatabase ? "warning" : "error",
              code: "fallback-unknown-model",
              message: `\`${setting}\` names \`${name}\`, which is no model_name of model_list`,
              path,
              hint: fromDatabase
                ? "models stored in the database may provide it; otherwise fix the name"
                : "use one of the model_name values of model_list",
            });
          }
        }
      });
    }
  }
};

/**
 * The provider's own variables, for a deployment whose `litellm_params`
 * has no key: a plain API key that is missing is an error; credentials
 * that may come from files or roles the launcher cannot see, a warning.
 */
export const checkProviderKeys: Rule = (context) => {
  eachDeployment(context, (params, index) => {
    const model = params.model;
    if (typeof model !== "string") return;
    const provider = providerOf(model);
    const needs = provider ? PROVIDER_NEEDS[provider] : undefined;
    if (!provider || !needs) return;
    const has = (names: readonly string[]) =>
      names.some((name) => Boolean(context.env[name]));
    const path = ["model_list", index, "litellm_params"];
    // A key written in the config, even as an unset reference, is the
    // business of the reference rule.
    const written = writtenParams(context, index);
    if (needs.keys.length > 0 && !isSet(written.api_key) && !has(needs.keys)) {
      const credentialsInParams = Object.keys(params).some((key) =>
        /^(aws_|vertex_credentials|vertex_project)/.test(key),
      );
      if (!credentialsInParams) {
        // A local OpenAI-compatible server often takes no key at all.
        const local = typeof params.api_base === "string";
        context.report({
          severity: needs.ambient || local ? "warning" : "error",
          code: "provider-key-missing",
          message: `\`${model}\` has no api_key and ${needs.keys.join(" or ")} is not set`,
          path,
          hint: needs.ambient
            ? `the provider may find credentials in files or roles; otherwise set ${needs.keys[0]} or add them to litellm_params`
            : `set ${needs.keys[0]} in the env file, or add \`api_key: os.environ/${needs.keys[0]}\` to litellm_params`,
        });
      }
    }
    if (needs.bases && !isSet(written.api_base) && !has(needs.bases)) {
      context.report({
        severity: "error",
        code: "provider-base-missing",
        message: `\`${model}\` has no api_base and ${needs.bases.join(" or ")} is not set`,
        path,
        hint: `add \`api_base:\` to litellm_params, or set ${needs.bases[0]}`,
      });
    }
  });
};

/** With no model_list and no database, the proxy serves nothing. */
export const checkHasModels: Rule = (context) => {
  const list = context.config.model_list;
  if (Array.isArray(list) && list.length > 0) return;
  const general = asMapping(context.resolved.general_settings);
  const databaseUrl = general?.database_url ?? context.env.DATABASE_URL;
  if (general?.store_model_in_db === true) {
    if (databaseUrl) return;
    context.report({
      severity: "warning",
      code: "models-need-database",
      message:
        "there is no model_list and `store_model_in_db` needs a database, but no database URL is set",
      path: ["general_settings", "store_model_in_db"],
      hint: "set DATABASE_URL (or `database.managed: true` in tdm-litellm.yaml)",
    });
    return;
  }
  context.report({
    severity: "warning",
    code: "no-models",
    message: "the config defines no models, so the proxy will serve none",
    path: list === undefined ? [] : ["model_list"],
    hint: "add deployments under `model_list:`",
  });
};

function writtenParams(
  context: RuleContext,
  index: number,
): Record<string, unknown> {
  const list = context.config.model_list;
  const entry: unknown = Array.isArray(list) ? list[index] : undefined;
  return (isMapping(entry) && asMapping(entry.litellm_params)) || {};
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "";
}

function eachEntry(
  context: RuleContext,
  visit: (entry: Record<string, unknown>, index: number) => void,
): void {
  const list = context.config.model_list;
  if (!Array.isArray(list)) return;
  list.forEach((entry, index) => {
    if (isMapping(entry)) visit(entry, index);
  });
}

function modelNames(context: RuleContext): Set<string> {
  const names = new Set<string>();
  eachEntry(context, (entry) => {
    if (typeof entry.model_name === "string") names.add(entry.model_name);
  });
  return names;
}

/** `anthropic/*` and `*` model_names match by pattern. */
function matchesWildcard(name: string, names: Set<string>): boolean {
  for (const pattern of names) {
    if (!pattern.includes("*")) continue;
    const regex = new RegExp(
      `^${pattern
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
    if (regex.test(name)) return true;
  }
  return false;
}
