import { execa } from "execa";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../fs-atomic.js";

export interface Interpreter {
  path: string;
  /** Such as `3.11.7`. */
  version: string;
  /** `cpython`, `pypy`. */
  implementation: string;
  /** Why this one was chosen, in a sentence for the user. */
  reason: string;
}

/** Interpreters tried in order when none is asked for: 3.11 to 3.13 first. */
const PREFERRED = [
  "python3.11",
  "python3.12",
  "python3.13",
  "python3.10",
  "python3",
];

export async function tryInspectInterpreter(
  command: string,
): Promise<Omit<Interpreter, "reason"> | undefined> {
  try {
    const { stdout } = await execa(command, [
      "-c",
      "import sys; print('.'.join(map(str, sys.version_info[:3]))); print(sys.executable); print(sys.implementation.name)",
    ]);
    const [version, executable, implementation = "cpython"] = stdout
      .trim()
      .split("\n");
    if (!version || !executable) return undefined;
    return { version, path: executable, implementation };
  } catch {
    return undefined;
  }
}

/**
 * Picks the interpreter to build an environment with: the one asked for,
 * else the first preferred one that the release's `requires-python`
 * accepts. Says which were tried and why each was refused.
 */
export async function findInterpreterOrThrow(options: {
  requested?: string | undefined;
  requiresPython?: string | undefined;
}): Promise<Interpreter> {
  const { requested, requiresPython } = options;
  const candidates = requested ? [requested] : PREFERRED;
  const refused: string[] = [];
  for (const candidate of candidates) {
    const interpreter = await tryInspectInterpreter(candidate);
    if (!interpreter) {
      refused.push(`${candidate}: not found`);
      continue;
    }
    if (requiresPython && !satisfies(interpreter.version, requiresPython)) {
      refused.push(
        `${candidate} (${interpreter.version}): the release requires Python ${requiresPython}`,
      );
      continue;
    }
    const accepted = requiresPython
      ? `it satisfies the release's requires-python ${requiresPython}`
      : "the release states no requires-python";
    const why = requested
      ? `asked for with --python or \`python:\``
      : `the first of ${PREFERRED.join(", ")} found on PATH that ${requiresPython ? "fits" : "runs"}`;
    const skipped =
      refused.length > 0 ? ` (skipped ${refused.join("; ")})` : "";
    return {
      ...interpreter,
      reason: `Python ${interpreter.version} at ${interpreter.path}: ${why}; ${accepted}${skipped}`,
    };
  }
  throw new UserError("no usable Python interpreter", {
    details: refused,
    hint: requested
      ? `pass \`--python\` an interpreter that satisfies ${requiresPython ?? "the release"}`
      : `install Python 3.11 (\`apt-get install python3\`), or pass \`--python <path>\``,
  });
}

/**
 * Checks a version against a Python version constraint as PEP 440 or Poetry
 * writes it (`>=3.9,<4.0`, `^3.10`, `~=3.11`). Only what `requires-python`
 * uses in practice: release numbers, no pre-releases.
 */
export function satisfies(version: string, constraint: string): boolean {
  return constraint
    .split(/[,|]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .every((part) => satisfiesOne(version, part));
}

function satisfiesOne(version: string, clause: string): boolean {
  const match = /^(\^|~=|~|>=|<=|==|!=|>|<)?\s*([\d.*]+)$/.exec(clause);
  if (!match) return true;
  const [, operator = "==", bound = ""] = match;
  const have = numbers(version);
  if (bound.includes("*")) {
    const prefix = numbers(bound.replace(/\.?\*$/, ""));
    const same = prefix.every((part, index) => have[index] === part);
    return operator === "!=" ? !same : same;
  }
  const want = numbers(bound);
  const order = compare(have, want);
  switch (operator) {
    case ">=":
      return order >= 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case "<":
      return order < 0;
    case "!=":
      return order !== 0;
    case "==":
      return compare(have.slice(0, want.length), want) === 0;
    case "^":
      return order >= 0 && have[0] === want[0];
    case "~":
    case "~=": {
      const fixed = want.slice(0, Math.max(1, want.length - 1));
      return order >= 0 && fixed.every((part, index) => have[index] === part);
    }
    default:
      return true;
  }
}

function numbers(version: string): number[] {
  return version.split(".").map((part) => Number.parseInt(part, 10) || 0);
}

function compare(a: number[], b: number[]): number {
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

interface CachedInterpreter extends Interpreter {
  /** The executable's modification time when it was inspected. */
  mtimeMs: number;
}

/**
 * `findInterpreterOrThrow`, remembered per question (the interpreter asked
 * for, `requires-python`, PATH) in a small file, so that switching pins
 * starts no Python to ask it its version again. An interpreter that was
 * replaced or removed since is inspected anew.
 */
export async function findInterpreterCachedOrThrow(options: {
  requested?: string | undefined;
  requiresPython?: string | undefined;
  cacheFile: string;
}): Promise<Interpreter> {
  const question = JSON.stringify([
    options.requested ?? null,
    options.requiresPython ?? null,
    process.env.PATH ?? "",
  ]);
  let cache: Record<string, CachedInterpreter> = {};
  try {
    cache = JSON.parse(readFileSync(options.cacheFile, "utf8")) as Record<
      string,
      CachedInterpreter
    >;
  } catch {
    cache = {};
  }
  const known = cache[question];
  if (known && tryModificationTime(known.path) === known.mtimeMs) {
    return {
      path: known.path,
      version: known.version,
      implementation: known.implementation,
      reason: known.reason,
    };
  }

  const interpreter = await findInterpreterOrThrow(options);
  const mtimeMs = tryModificationTime(interpreter.path);
  if (mtimeMs !== undefined) {
    cache[question] = { ...interpreter, mtimeMs };
    mkdirSync(path.dirname(options.cacheFile), { recursive: true });
    writeFileAtomic(options.cacheFile, JSON.stringify(cache, null, 2) + "\n");
  }
  return interpreter;
}

function tryModificationTime(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}
