import { findEnvReferences } from "../env-references.js";
import { isMapping } from "../includes.js";
import { dottedPath } from "../source.js";
import type { Rule } from "./context.js";

/**
 * Every `os.environ/NAME` against the proxy's environment: LiteLLM turns
 * an unset one into nothing without a word, and leaves one inside a list
 * as the literal text.
 */
export const checkEnvReferences: Rule = (context) => {
  for (const reference of findEnvReferences(context.config, context.env)) {
    const where = dottedPath(reference.path);
    switch (reference.state) {
      case "unset":
        context.report({
          severity: "error",
          code: "env-unset",
          message: `${reference.name} is not set, so LiteLLM reads \`${where}\` as empty (None)`,
          path: reference.path,
          atValue: true,
          hint: hintForUnset(reference.name, context.env),
        });
        break;
      case "empty":
        context.report({
          severity: "warning",
          code: "env-empty",
          message: `${reference.name} is set but empty, so \`${where}\` is an empty string`,
          path: reference.path,
          atValue: true,
          hint: `give ${reference.name} a value, or remove the setting`,
        });
        break;
      case "not-resolved":
        context.report({
          severity: "warning",
          code: "env-reference-not-resolved",
          message: `LiteLLM does not resolve \`os.environ/${reference.name}\` inside a list: \`${where}\` stays the literal text`,
          path: reference.path,
          atValue: true,
          hint: "write the value itself here, or move it into a mapping where LiteLLM resolves references",
        });
        break;
      case "set":
        break;
    }
  }
};

/** Variable names are case-sensitive; say so when that is the mistake. */
function hintForUnset(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const upper = name.toUpperCase();
  if (upper !== name && env[upper] !== undefined) {
    return `${upper} is set; names are case-sensitive, so write \`os.environ/${upper}\``;
  }
  return `set ${name} in the environment or the env file, or under \`environment_variables:\``;
}

/**
 * Variables that change how the proxy's process itself runs (newer
 * LiteLLM releases refuse to set several of them), and those the launcher
 * removes because they would redirect the proxy away from its flags.
 */
const PROCESS_VARIABLES = new Set([
  "PATH",
  "HOME",
  "PYTHONPATH",
  "PYTHONHOME",
  "LD_PRELOAD",
  "LD_LIBRARY_PATH",
  "DYLD_INSERT_LIBRARIES",
]);
const REDIRECTING_VARIABLES = new Set([
  "HOST",
  "PORT",
  "CONFIG_FILE_PATH",
  "WORKER_CONFIG",
]);

/** `environment_variables:` entries that must not reach the proxy. */
export const checkEnvironmentBlock: Rule = (context) => {
  const block = context.config.environment_variables;
  if (!isMapping(block)) return;
  for (const name of Object.keys(block)) {
    const path = ["environment_variables", name];
    if (PROCESS_VARIABLES.has(name)) {
      context.report({
        severity: "warning",
        code: "environment-variable-unsafe",
        message: `\`environment_variables\` sets ${name}, which changes how the proxy's own process runs; newer LiteLLM releases refuse it`,
        path,
        hint: `remove ${name} from the config; set it in the shell if it is really needed`,
      });
    } else if (REDIRECTING_VARIABLES.has(name)) {
      context.report({
        severity: "warning",
        code: "environment-variable-ignored",
        message: `\`environment_variables\` sets ${name}, which the launcher removes (it passes the proxy its own flags)`,
        path,
        hint: "set the host and port in tdm-litellm.yaml (`proxy.host`, `proxy.port`) instead",
      });
    }
  }
};
