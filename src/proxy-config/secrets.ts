import {
  isSecretName,
  knownSecretsRedactor,
  maskSecretAssignment,
  secretValuesOf,
} from "../output/mask.js";
import { ENV_PREFIX, type Environment } from "./env-references.js";
import { isMapping } from "./includes.js";

/** Secrets shorter than this are not searched for in text (too common). */
const MIN_SECRET_LENGTH = 4;

/**
 * Every secret value the config or the environment holds: values of keys
 * whose names look secret, in the config as written and as resolved, and
 * the environment's secret-looking variables.
 */
export function collectSecrets(
  configs: readonly unknown[],
  env: Environment,
): string[] {
  const secrets = new Set(secretValuesOf(env));
  // Configs repeat the same few keys thousands of times.
  const secretNames = new Map<string, boolean>();
  const isSecret = (key: string) => {
    let known = secretNames.get(key);
    if (known === undefined) {
      known = isSecretName(key);
      secretNames.set(key, known);
    }
    return known;
  };
  const visit = (value: unknown, secretKey: boolean) => {
    if (typeof value === "string") {
      if (secretKey && !value.startsWith(ENV_PREFIX)) secrets.add(value);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, secretKey);
    } else if (isMapping(value)) {
      for (const key in value) visit(value[key], secretKey || isSecret(key));
    }
  };
  for (const config of configs) visit(config, false);
  return [...secrets].filter((value) => value.length >= MIN_SECRET_LENGTH);
}

export { maskSourceLine } from "../output/mask.js";

/** Masks the secrets in a report's texts and source lines. */
export function secretMasker(secrets: readonly string[]): {
  text(text: string): string;
  sourceLine(line: string): string;
} {
  const redact = knownSecretsRedactor(secrets);
  return {
    text: redact,
    sourceLine: (line) => redact(maskSecretAssignment(line)),
  };
}
