import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { UserError } from "../errors.js";
import { poetryRequirement, type PoetryDependency } from "./poetry.js";

/** The parts of a LiteLLM checkout's pyproject.toml the launcher reads. */
export interface Pyproject {
  /** The file's text, as read. */
  text: string;
  style: "pep621" | "poetry";
  name: string | undefined;
  version: string | undefined;
  requiresPython: string | undefined;
  /** Requirements of the package itself (PEP 508 strings). */
  dependencies: string[];
  /** Requirements per extra, under their written names. */
  extras: Map<string, string[]>;
  /** uv's `constraint-dependencies` and `override-dependencies`. */
  constraints: string[];
  overrides: string[];
  /** Workspace members' directories, relative to the checkout. */
  workspaceMembers: string[];
}

type Table = Record<string, unknown>;

export function readPyprojectOrThrow(checkoutPath: string): Pyproject {
  const file = path.join(checkoutPath, "pyproject.toml");
  if (!existsSync(file)) {
    throw new UserError(`${checkoutPath} has no pyproject.toml`, {
      hint: "check that `litellm.path` in tdm-litellm.yaml is a LiteLLM checkout; `tdm-litellm checkout <ref>` makes one",
    });
  }
  return parsePyprojectOrThrow(readFileSync(file, "utf8"), file);
}

export function parsePyprojectOrThrow(text: string, file: string): Pyproject {
  let data: Table;
  try {
    data = parseToml(text);
  } catch (error) {
    const where = error instanceof TomlError ? error : undefined;
    throw new UserError(`${file} is not valid TOML`, {
      location: { file, line: where?.line, column: where?.column },
      cause: error,
      hint: "restore the file with `git -C <checkout> checkout -- pyproject.toml`",
    });
  }
  const project = tableAt(data, "project");
  const tool = tableAt(data, "tool");
  const poetry = tableAt(tool, "poetry");
  const uv = tableAt(tool, "uv");
  const shared = {
    text,
    constraints: stringsAt(uv, "constraint-dependencies"),
    overrides: stringsAt(uv, "override-dependencies"),
    workspaceMembers: stringsAt(tableAt(uv, "workspace"), "members"),
  };

  if (project.name !== undefined || poetry.name === undefined) {
    const optional = tableAt(project, "optional-dependencies");
    return {
      ...shared,
      style: "pep621",
      name: stringAt(project, "name"),
      version: stringAt(project, "version"),
      requiresPython: stringAt(project, "requires-python"),
      dependencies: stringsAt(project, "dependencies"),
      extras: new Map(
        Object.keys(optional).map((extra) => [
          extra,
          stringsAt(optional, extra),
        ]),
      ),
    };
  }

  const declared = tableAt(poetry, "dependencies");
  const required: string[] = [];
  const optionalNames = new Set<string>();
  for (const [name, spec] of Object.entries(declared)) {
    if (name === "python") continue;
    if (isOptional(spec)) optionalNames.add(normalizeName(name));
    else required.push(...poetryRequirement(name, spec as PoetryDependency));
  }
  const byName = new Map(
    Object.entries(declared).map(([name, spec]) => [
      normalizeName(name),
      { name, spec: spec as PoetryDependency },
    ]),
  );
  const extrasTable = tableAt(poetry, "extras");
  const extras = new Map<string, string[]>();
  for (const extra of Object.keys(extrasTable)) {
    extras.set(
      extra,
      stringsAt(extrasTable, extra).flatMap((entry) => {
        const found = byName.get(normalizeName(entry));
        return found ? poetryRequirement(found.name, found.spec) : [entry];
      }),
    );
  }
  return {
    ...shared,
    style: "poetry",
    name: stringAt(poetry, "name"),
    version: stringAt(poetry, "version"),
    requiresPython: stringAt(declared, "python"),
    dependencies: required,
    extras,
  };
}

/** PEP 503 / PEP 685 normalized name: lower case, `-` for runs of `-_.`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** The distribution name a PEP 508 requirement names. */
export function requirementName(requirement: string): string {
  return normalizeName(
    /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)?.[1] ?? "",
  );
}

function isOptional(spec: unknown): boolean {
  if (Array.isArray(spec)) return spec.every(isOptional);
  return (
    typeof spec === "object" &&
    spec !== null &&
    (spec as Table).optional === true
  );
}

function tableAt(table: Table, key: string): Table {
  const value = table[key];
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Table)
    : {};
}

function stringAt(table: Table, key: string): string | undefined {
  const value = table[key];
  return typeof value === "string" ? value : undefined;
}

function stringsAt(table: Table, key: string): string[] {
  const value = table[key];
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}
