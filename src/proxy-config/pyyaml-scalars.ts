/**
 * Plain scalars resolved the way PyYAML's `safe_load` resolves them (YAML
 * 1.1 as PyYAML implements it, which is not the YAML 1.1 of the `yaml`
 * package: PyYAML's floats need a dot and a signed exponent, so `1e3` stays
 * a string, and `y`/`n` are not booleans).
 *
 * The patterns restate PyYAML 6.0.3's implicit resolvers; the order in
 * which they are tried is PyYAML's too (bool, float, int, merge, null,
 * timestamp, value).
 */

const BOOL =
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const TRUE_WORDS = new Set(["yes", "true", "on"]);
const FALSE_WORDS = new Set(["no", "false", "off"]);

const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;

const NULL = /^(?:~|null|Null|NULL|)$/;

const TIMESTAMP =
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;

/** The parts of a timestamp, as PyYAML's constructor splits it. */
const TIMESTAMP_PARTS =
  /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)?$/;

const SEXAGESIMAL_BASE = 60;
const MS_PER_MINUTE = 60_000;

export type ImplicitTag =
  "bool" | "float" | "int" | "merge" | "null" | "timestamp" | "value" | "str";

/** The tag PyYAML gives a plain (unquoted, untagged) scalar. */
export function resolvePlainTag(text: string): ImplicitTag {
  const first = text[0] ?? "";
  if ("yYnNtTfFoO".includes(first) && first && BOOL.test(text)) return "bool";
  if ("-+0123456789.".includes(first) && first && FLOAT.test(text)) {
    return "float";
  }
  if ("-+0123456789".includes(first) && first && INT.test(text)) return "int";
  if (text === "<<") return "merge";
  if (NULL.test(text)) return "null";
  if ("0123456789".includes(first) && first && TIMESTAMP.test(text)) {
    return "timestamp";
  }
  if (text === "=") return "value";
  return "str";
}

/** What a constructor gives for a value PyYAML refuses. */
export const REFUSED = Symbol("refused");

/** The value of a scalar with a resolved tag, as PyYAML constructs it. */
export function constructScalar(
  tag: string | undefined,
  text: string,
): unknown {
  switch (tag) {
    case "str":
      return text;
    case "null":
      return null;
    case "bool":
      return constructBool(text) ?? REFUSED;
    case "int":
      return constructInt(text) ?? REFUSED;
    case "float":
      return constructFloat(text) ?? REFUSED;
    case "timestamp":
      return constructTimestamp(text) ?? REFUSED;
    case "binary":
      return Buffer.from(text.replace(/\s/g, ""), "base64");
    default:
      return REFUSED;
  }
}

/** PyYAML's `construct_yaml_bool`; undefined when it would raise. */
export function constructBool(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  return undefined;
}

/** PyYAML's `construct_yaml_int`; undefined when it would raise. */
export function constructInt(text: string): number | undefined {
  let value = text.replace(/_/g, "");
  let sign = 1;
  if (value.startsWith("-")) sign = -1;
  if (value.startsWith("-") || value.startsWith("+")) value = value.slice(1);
  if (value === "0") return 0;
  let result: number;
  if (value.startsWith("0b")) result = parseStrict(value.slice(2), 2);
  else if (value.startsWith("0x")) result = parseStrict(value.slice(2), 16);
  else if (value.startsWith("0")) result = parseStrict(value, 8);
  else if (value.includes(":")) result = sexagesimal(value, parseStrict);
  else result = parseStrict(value, 10);
  return Number.isNaN(result) ? undefined : sign * result;
}

/** PyYAML's `construct_yaml_float`; undefined when it would raise. */
export function constructFloat(text: string): number | undefined {
  let value = text.replace(/_/g, "").toLowerCase();
  let sign = 1;
  if (value.startsWith("-")) sign = -1;
  if (value.startsWith("-") || value.startsWith("+")) value = value.slice(1);
  if (value === ".inf") return sign * Infinity;
  if (value === ".nan") return NaN;
  const result = value.includes(":")
    ? sexagesimal(value, (part) => Number(part))
    : Number(value);
  return Number.isNaN(result) ? undefined : sign * result;
}

/**
 * PyYAML's `construct_yaml_timestamp`, as a Date in UTC (a date without a
 * time is midnight UTC, a time without a zone is taken as UTC).
 */
export function constructTimestamp(text: string): Date | undefined {
  const match = TIMESTAMP_PARTS.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction] = match;
  const [, , , , , , , , zone, zoneSign, zoneHour, zoneMinute] = match;
  const milliseconds = fraction
    ? Number(fraction.slice(0, 3).padEnd(3, "0"))
    : 0;
  let time = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    milliseconds,
  );
  if (zone && zone !== "Z") {
    const offset = Number(zoneHour) * 60 + Number(zoneMinute ?? 0);
    time -= (zoneSign === "-" ? -offset : offset) * MS_PER_MINUTE;
  }
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The digits `parseInt` may read in each radix, and nothing else. */
const DIGITS: Readonly<Record<number, RegExp>> = {
  2: /^[01]+$/,
  8: /^[0-7]+$/,
  10: /^[0-9]+$/,
  16: /^[0-9a-f]+$/i,
};

function parseStrict(digits: string, radix: number): number {
  if (!DIGITS[radix]?.test(digits)) return NaN;
  return parseInt(digits, radix);
}

function sexagesimal(
  value: string,
  parse: (part: string, radix: number) => number,
): number {
  let result = 0;
  let base = 1;
  for (const part of value.split(":").reverse()) {
    result += parse(part, 10) * base;
    base *= SEXAGESIMAL_BASE;
  }
  return result;
}
