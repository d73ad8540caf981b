/**
 * Poetry's dependency notation turned into PEP 508 requirements, so that
 * uv or pip can install what a Poetry-era pyproject.toml declares without
 * Poetry. Covers what LiteLLM's files use: version constraints with `^`,
 * `~`, `*` and comparison operators, `python` and `markers` restrictions,
 * `extras`, and lists of alternatives for different Pythons.
 */
export type PoetryDependency =
  string | PoetryDependencyTable | PoetryDependencyTable[];

interface PoetryDependencyTable {
  version?: string;
  python?: string;
  markers?: string;
  extras?: string[];
  optional?: boolean;
  git?: string;
  path?: string;
  url?: string;
}

export function poetryRequirement(
  name: string,
  spec: PoetryDependency,
): string[] {
  if (typeof spec === "string") return [join(name, [], specifier(spec), [])];
  if (Array.isArray(spec))
    return spec.flatMap((entry) => poetryRequirement(name, entry));

  const markers: string[] = [];
  if (spec.python) markers.push(pythonMarker(spec.python));
  if (spec.markers) markers.push(spec.markers);
  const extras = spec.extras ?? [];
  if (spec.url)
    return [`${name}${extrasPart(extras)} @ ${spec.url}${markerPart(markers)}`];
  if (spec.git) {
    return [
      `${name}${extrasPart(extras)} @ git+${spec.git}${markerPart(markers)}`,
    ];
  }
  return [join(name, extras, specifier(spec.version ?? "*"), markers)];
}

/** A Poetry version constraint as a PEP 440 specifier (`""` for any). */
export function specifier(constraint: string): string {
  const alternatives = constraint.split("||").map((part) => part.trim());
  // PEP 440 has no "or"; LiteLLM never uses it, so the first one stands.
  const clauses = (alternatives[0] ?? "")
    .split(/\s*,\s*|\s+(?=[<>=!~^])/)
    .map((clause) => clause.trim())
    .filter((clause) => clause && clause !== "*");
  return clauses.flatMap(clauseSpecifiers).join(",");
}

function clauseSpecifiers(clause: string): string[] {
  const match = /^(\^|~=|~|>=|<=|==|!=|>|<|=)?\s*(\S+)$/.exec(clause);
  if (!match) return [clause];
  const [, operator, version = ""] = match;
  switch (operator) {
    case "^":
      return [`>=${version}`, `<${caretUpperBound(version)}`];
    case "~":
      return [`>=${version}`, `<${tildeUpperBound(version)}`];
    case undefined:
    case "=":
      return [`==${version}`];
    default:
      return [`${operator}${version}`];
  }
}

/** `^1.2.3` → `2.0.0`, `^0.2.3` → `0.3.0`, `^0.0.3` → `0.0.4`. */
function caretUpperBound(version: string): string {
  const parts = releaseParts(version);
  const first = parts.findIndex((part) => part !== 0);
  const position =
    first === -1
      ? Math.max(0, parts.length - 1)
      : Math.min(first, parts.length - 1);
  return bump(parts, position);
}

/** `~1.2.3` → `1.3.0`, `~1.2` → `1.3`, `~1` → `2`. */
function tildeUpperBound(version: string): string {
  const parts = releaseParts(version);
  return bump(parts, parts.length === 1 ? 0 : 1);
}

function releaseParts(version: string): number[] {
  return (/^[\d.]+/.exec(version)?.[0] ?? "0")
    .split(".")
    .filter(Boolean)
    .map(Number);
}

function bump(parts: number[], position: number): string {
  return parts
    .map((part, index) =>
      index < position ? part : index === position ? part + 1 : 0,
    )
    .join(".");
}

/** Poetry's `python = ">=3.9,<3.14"` as an environment marker. */
export function pythonMarker(constraint: string): string {
  const alternatives = constraint.split("||").map((alternative) =>
    specifier(alternative)
      .split(",")
      .filter(Boolean)
      .map((clause) => {
        const [, operator = "==", version = ""] =
          /^(~=|>=|<=|==|!=|>|<)(.+)$/.exec(clause) ?? [];
        const variable =
          version.split(".").length > 2
            ? "python_full_version"
            : "python_version";
        return `${variable} ${operator} "${version}"`;
      })
      .join(" and "),
  );
  const nonEmpty = alternatives.filter(Boolean);
  return nonEmpty.length > 1
    ? nonEmpty.map((alternative) => `(${alternative})`).join(" or ")
    : (nonEmpty[0] ?? "");
}

function join(
  name: string,
  extras: string[],
  versions: string,
  markers: string[],
): string {
  return `${name}${extrasPart(extras)}${versions}${markerPart(markers)}`;
}

function extrasPart(extras: string[]): string {
  return extras.length > 0 ? `[${extras.join(",")}]` : "";
}

function markerPart(markers: string[]): string {
  const present = markers.filter(Boolean);
  if (present.length === 0) return "";
  if (present.length === 1) return ` ; ${present[0]}`;
  return ` ; ${present.map((marker) => `(${marker})`).join(" and ")}`;
}
