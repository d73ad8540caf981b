import { execa } from "execa";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { UserError } from "../errors.js";
import { normalizeName, requirementName, type Pyproject } from "./pyproject.js";

/** How the checked-out commit pins its dependencies. */
export type Packaging = "uv-lock" | "poetry-lock" | "declared";

/**
 * What goes into an environment, in the installer's terms. Its content,
 * hashed with the Python version, is the environment's key; the release's
 * own version is not part of it, so pins with equal dependencies share one.
 */
export interface DependencySet {
  packaging: Packaging;
  /** Requirement lines, one a line of a requirements file. */
  requirements: string[];
  /** True when `requirements` is already the whole closure. */
  complete: boolean;
  constraints: string[];
  overrides: string[];
  /**
   * LiteLLM's own sub-packages that neither the checkout nor (perhaps) the
   * index has at the pinned version: installed apart, and allowed to fail.
   */
  optional: string[];
  /** Extras used, as written in the checkout. */
  extras: string[];
  /** Said to the user: what was left out and why. */
  notes: string[];
}

/** The packaging kind, from the lock files present in the checkout. */
export function detectPackaging(checkoutPath: string): Packaging {
  if (existsSync(path.join(checkoutPath, "uv.lock"))) return "uv-lock";
  if (existsSync(path.join(checkoutPath, "poetry.lock"))) return "poetry-lock";
  return "declared";
}

/**
 * Names that are LiteLLM itself: it runs from the checkout's source, so a
 * requirement on it (or on `litellm-proxy`, the proxy's packaging shim
 * that depends on it) is never installed.
 */
const SELF_NAMES = new Set(["litellm", "litellm-proxy"]);

/**
 * The extras to install that the release declares, under the names it
 * writes them. Unknown ones are reported, not fatal: `extra_proxy` became
 * `extra-proxy` in newer metadata, and both spellings are accepted.
 */
export function pickExtras(
  pyproject: Pyproject,
  wanted: string[],
): { extras: string[]; notes: string[] } {
  const declared = new Map(
    [...pyproject.extras.keys()].map((extra) => [normalizeName(extra), extra]),
  );
  const extras: string[] = [];
  const notes: string[] = [];
  for (const extra of wanted) {
    const found = declared.get(normalizeName(extra));
    if (found) extras.push(found);
    else notes.push(`extra \`${extra}\` is not declared by this release`);
  }
  return { extras: [...new Set(extras)].sort(), notes };
}

export interface ResolveOptions {
  checkoutPath: string;
  pyproject: Pyproject;
  extras: string[];
  /** uv's path, when uv is available. */
  uv: string | undefined;
}

export async function resolveDependencySetOrThrow(
  options: ResolveOptions,
): Promise<DependencySet> {
  const { checkoutPath, pyproject, uv } = options;
  const { extras, notes } = pickExtras(pyproject, options.extras);
  const packaging = detectPackaging(checkoutPath);

  if (packaging === "uv-lock" && uv) {
    return {
      packaging,
      requirements: await exportUvLockOrThrow(uv, checkoutPath, extras),
      complete: true,
      constraints: [],
      overrides: [],
      optional: [],
      extras,
      notes,
    };
  }
  if (packaging === "uv-lock") {
    notes.push(
      "uv.lock needs uv to be read; installing the declared ranges instead of the locked versions",
    );
  }

  const declared = declaredRequirements(checkoutPath, pyproject, extras);
  const constraints = [...pyproject.constraints];
  if (packaging === "poetry-lock") {
    constraints.push(...poetryLockPins(checkoutPath));
  }
  return {
    packaging: packaging === "uv-lock" ? "declared" : packaging,
    requirements: declared.requirements,
    complete: false,
    constraints,
    overrides: [...pyproject.overrides],
    optional: declared.optional,
    extras,
    notes: [...notes, ...declared.notes],
  };
}

/**
 * The locked closure of the proxy's dependencies, exactly as uv.lock has
 * it, without LiteLLM itself; workspace members come from the checkout.
 */
async function exportUvLockOrThrow(
  uv: string,
  checkoutPath: string,
  extras: string[],
): Promise<string[]> {
  try {
    const { stdout } = await execa(
      uv,
      [
        "export",
        "--frozen",
        "--format",
        "requirements.txt",
        "--no-emit-project",
        "--no-hashes",
        "--no-header",
        "--no-annotate",
        "--no-default-groups",
        ...extras.flatMap((extra) => ["--extra", extra]),
      ],
      { cwd: checkoutPath, env: { VIRTUAL_ENV: undefined } },
    );
    return stdout
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith("#"))
      .filter((line) => !SELF_NAMES.has(editableName(checkoutPath, line)))
      .map((line) => absoluteEditable(checkoutPath, line));
  } catch (error) {
    throw new UserError("uv could not read the checkout's uv.lock", {
      cause: error,
      details: errorLines(error),
      hint: "check that uv.lock matches pyproject.toml (`uv lock --check` in the checkout)",
    });
  }
}

/** `-e ./enterprise` → `-e /abs/checkout/enterprise`. */
function absoluteEditable(checkoutPath: string, line: string): string {
  const match = /^(-e\s+)?(\.{1,2}\/\S*|\.)$/.exec(line);
  if (!match) return line;
  return `${match[1] ?? ""}${path.resolve(checkoutPath, match[2] ?? ".")}`;
}

function editableName(checkoutPath: string, line: string): string {
  const match = /^(?:-e\s+)?(\.{1,2}\/\S*|\.)$/.exec(line);
  if (!match) return requirementName(line);
  const dir = path.resolve(checkoutPath, match[1] ?? ".");
  try {
    const text = readFileSync(path.join(dir, "pyproject.toml"), "utf8");
    const data = parseToml(text) as {
      project?: { name?: string };
      tool?: { poetry?: { name?: string } };
    };
    return normalizeName(data.project?.name ?? data.tool?.poetry?.name ?? "");
  } catch {
    return "";
  }
}

/**
 * What pyproject.toml declares for the package and the chosen extras:
 * LiteLLM itself left out, its workspace packages from the checkout when
 * there, else from the index (and allowed to be missing there).
 */
function declaredRequirements(
  checkoutPath: string,
  pyproject: Pyproject,
  extras: string[],
): { requirements: string[]; optional: string[]; notes: string[] } {
  const members = workspaceMemberDirs(checkoutPath, pyproject);
  const selfName = normalizeName(pyproject.name ?? "litellm");
  const requirements = new Set<string>();
  const optional = new Set<string>();
  const notes: string[] = [];
  const seenExtras = new Set<string>();

  const add = (requirement: string) => {
    const name = requirementName(requirement);
    if (name === selfName) {
      // `litellm[other-extra]` inside an extra: follow it.
      const nested = /\[([^\]]+)\]/.exec(requirement)?.[1] ?? "";
      for (const extra of nested.split(",")) addExtra(extra.trim());
      return;
    }
    if (SELF_NAMES.has(name)) {
      notes.push(
        `${requirementText(requirement)} left out: the proxy runs from the checkout`,
      );
      return;
    }
    const member = members.get(name);
    if (member) {
      requirements.add(`-e ${member}`);
      return;
    }
    if (isLitellmSubpackage(name)) {
      optional.add(requirement);
      return;
    }
    requirements.add(requirement);
  };
  const addExtra = (extra: string) => {
    const key = normalizeName(extra);
    if (!extra || seenExtras.has(key)) return;
    seenExtras.add(key);
    const found = [...pyproject.extras].find(
      ([name]) => normalizeName(name) === key,
    );
    for (const requirement of found?.[1] ?? []) add(requirement);
  };

  for (const requirement of pyproject.dependencies) add(requirement);
  for (const extra of extras) addExtra(extra);
  return {
    requirements: [...requirements].sort(),
    optional: [...optional].sort(),
    notes,
  };
}

function requirementText(requirement: string): string {
  return `\`${requirement.split(";")[0]?.trim() ?? requirement}\``;
}

/** `litellm-proxy-extras`, `litellm-enterprise`: LiteLLM's own packages. */
function isLitellmSubpackage(name: string): boolean {
  return name.startsWith("litellm-");
}

/** Workspace members present in the checkout, by distribution name. */
function workspaceMemberDirs(
  checkoutPath: string,
  pyproject: Pyproject,
): Map<string, string> {
  const members = new Map<string, string>();
  for (const member of pyproject.workspaceMembers) {
    const dir = path.resolve(checkoutPath, member);
    const name = editableName(checkoutPath, `./${member}`);
    if (name && existsSync(path.join(dir, "pyproject.toml"))) {
      members.set(name, dir);
    }
  }
  return members;
}

/**
 * poetry.lock's versions as `name==version` constraints: uv or pip then
 * resolves the declared requirements, and every package it picks is the
 * locked one. Packages locked at several versions (per Python) and those
 * from git or a path are left to their declaration.
 */
export function poetryLockPins(checkoutPath: string): string[] {
  const text = readFileSync(path.join(checkoutPath, "poetry.lock"), "utf8");
  const data = parseToml(text) as {
    package?: { name?: string; version?: string; source?: { type?: string } }[];
  };
  const versions = new Map<string, Set<string>>();
  for (const entry of data.package ?? []) {
    if (!entry.name || !entry.version) continue;
    const sourceType = entry.source?.type;
    if (sourceType && sourceType !== "legacy") continue;
    const name = normalizeName(entry.name);
    if (SELF_NAMES.has(name)) continue;
    const set = versions.get(name) ?? new Set<string>();
    set.add(entry.version);
    versions.set(name, set);
  }
  return [...versions]
    .filter(([, set]) => set.size === 1)
    .map(([name, set]) => `${name}==${[...set][0]}`)
    .sort();
}

function errorLines(error: unknown): string[] {
  const stderr =
    typeof error === "object" && error !== null && "stderr" in error
      ? String(error.stderr)
      : String(error);
  return stderr.trim().split("\n").slice(-10);
}
