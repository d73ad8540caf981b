/**
 * Masking of secrets. Every value that may be a key, a password or a
 * credential goes through here before it reaches a terminal, a log or JSON.
 */

const SECRET_NAME =
  /(key|token|secret|password|passwd|pwd|credential|auth|salt|database_url|dsn)/i;

/** True when a variable or YAML key name suggests that its value is secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Shows only the shape of a secret: `sk-…(24 chars)`. */
export function maskSecret(value: string): string {
  if (value.length === 0) return "(empty)";
  const prefix = value.startsWith("sk-") ? "sk-" : "";
  return `${prefix}…(${value.length} chars)`;
}

/** Replaces the password of every URL in the text with `***`. */
export function maskUrlPasswords(text: string): string {
  return text.replace(
    /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/\s]+)@/gi,
    "$1***@",
  );
}

/**
 * Removes every known secret value from a text, longest first so that a
 * value containing another is masked whole.
 */
export function redactKnownSecrets(
  text: string,
  secrets: Iterable<string>,
): string {
  return knownSecretsRedactor(secrets)(text);
}

/** Shorter values are not searched for in text (too common). */
const MIN_REDACTED_LENGTH = 4;

/**
 * `redactKnownSecrets` for many texts: the secrets are sorted and indexed
 * once (a report of many findings on a config of many keys would
 * otherwise search every finding for every key).
 */
export function knownSecretsRedactor(
  secrets: Iterable<string>,
): (text: string) => string {
  const values = [...new Set(secrets)]
    .filter((value) => value.length >= MIN_REDACTED_LENGTH)
    .sort((a, b) => b.length - a.length);
  const masks = values.map(maskSecret);
  const holdsAny = compileFinder(values);
  return (text) => {
    // Nothing is replaced unless a secret is in the text as given.
    if (!holdsAny(text)) return maskUrlPasswords(text);
    let result = text;
    values.forEach((value, index) => {
      result = result.split(value).join(masks[index]);
    });
    return maskUrlPasswords(result);
  };
}

/** Whether a text holds any of the values, looked up by how they start. */
function compileFinder(values: readonly string[]): (text: string) => boolean {
  const byStart = new Map<string, string[]>();
  for (const value of values) {
    const start = value.slice(0, MIN_REDACTED_LENGTH);
    const same = byStart.get(start);
    if (same) same.push(value);
    else byStart.set(start, [value]);
  }
  return (text) => {
    for (let at = 0; at + MIN_REDACTED_LENGTH <= text.length; at += 1) {
      const start = text.slice(at, at + MIN_REDACTED_LENGTH);
      const candidates = byStart.get(start);
      if (candidates?.some((value) => text.startsWith(value, at))) return true;
    }
    return false;
  };
}

/** Values of the environment whose names look secret. */
export function secretValuesOf(
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value !== undefined && isSecretName(name))
    .map(([, value]) => value as string);
}

/** `  api_key: "sk-abc"  # note` → key, value and the rest. */
const ASSIGNMENT =
  /^(\s*(?:-\s+)?["']?([\w.-]+)["']?\s*:\s+)(["']?)([^"'#\s][^"'#]*?|[^"']*)\3(\s*(?:#.*)?)$/;

/**
 * A source line fit to show: the value of a secret-looking key masked,
 * every known secret masked, and passwords in URLs masked.
 */
export function maskSourceLine(
  line: string,
  secrets: readonly string[],
): string {
  return redactKnownSecrets(maskSecretAssignment(line), secrets);
}

/** A source line with the value of a secret-looking key masked. */
export function maskSecretAssignment(line: string): string {
  const match = ASSIGNMENT.exec(line);
  let masked = line;
  if (match) {
    const [, head = "", key = "", quote = "", value = "", tail = ""] = match;
    const plainValue = value.trim();
    // A URL keeps its shape; only its password goes (below).
    const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(plainValue);
    const looksSecret =
      isSecretName(key) &&
      !isUrl &&
      plainValue !== "" &&
      !plainValue.startsWith("os.environ/") &&
      !/^(?:\d+(?:\.\d+)?|true|false|null|~)$/i.test(plainValue);
    if (looksSecret) {
      masked = `${head}${quote}${maskSecret(plainValue)}${quote}${tail}`;
    }
  }
  return masked;
}
