import { lstatSync } from "node:fs";
import path from "node:path";
import {
  readStatusOrThrow,
  readTreeDiffOrThrow,
  removeUntrackedOrThrow,
  restoreFromHeadOrThrow,
  type GitRepo,
} from "./git.js";

/**
 * The admin UI bundle. Releases before `LITELLM_UI_PATH` existed (1.80.10
 * among them) rename `foo.html` to `foo/index.html` in it at every proxy
 * start (`_restructure_ui_html_files` in `litellm/proxy/proxy_server.py`),
 * and rewrite its files when a server root path is set. Those are the
 * proxy's doing, not the user's: they never count as local work.
 */
export const UI_OUTPUT_DIR = "litellm/proxy/_experimental/out";

export interface StatusEntry {
  /** Git's two status letters, such as ` M`, `A `, `??`. */
  code: string;
  path: string;
}

export interface LocalWork {
  /** Tracked files changed in the index or the working tree. */
  changed: string[];
  /** Files git does not track and does not ignore. */
  untracked: string[];
}

export function parseStatus(raw: string): StatusEntry[] {
  const fields = raw.split("\0");
  const entries: StatusEntry[] = [];
  for (let index = 0; index < fields.length; index += 1) {
    const field = fields[index] ?? "";
    if (field.length < 4) continue;
    const code = field.slice(0, 2);
    entries.push({ code, path: field.slice(3) });
    // A rename or copy is followed by its source path.
    if (code.includes("R") || code.includes("C")) index += 1;
  }
  return entries;
}

export function isUiOutputPath(file: string): boolean {
  return file === UI_OUTPUT_DIR || file.startsWith(`${UI_OUTPUT_DIR}/`);
}

/** Every status entry, the UI bundle's included. */
export async function readAllStatusEntries(
  git: GitRepo,
): Promise<StatusEntry[]> {
  return parseStatus(await readStatusOrThrow(git));
}

export function withoutUiOutput(entries: StatusEntry[]): StatusEntry[] {
  return entries.filter((entry) => !isUiOutputPath(entry.path));
}

export function toLocalWork(entries: StatusEntry[]): LocalWork {
  const changed: string[] = [];
  const untracked: string[] = [];
  for (const entry of entries) {
    if (entry.code === "??") untracked.push(entry.path);
    else if (entry.code !== "!!") changed.push(entry.path);
  }
  return { changed, untracked };
}

/**
 * Puts the UI bundle back as HEAD has it, when the status shows the proxy
 * changed it. Returns whether anything had to be restored.
 */
export async function restoreUiOutput(
  git: GitRepo,
  entries: StatusEntry[],
): Promise<boolean> {
  const touched = entries.filter((entry) => isUiOutputPath(entry.path));
  if (touched.length === 0) return false;

  if (touched.some((entry) => entry.code !== "??")) {
    await restoreFromHeadOrThrow(git, UI_OUTPUT_DIR);
  }
  if (touched.some((entry) => entry.code === "??")) {
    await removeUntrackedOrThrow(git, UI_OUTPUT_DIR);
  }
  return true;
}

export interface Obstacles {
  /** Changed here and different in the target: git cannot carry them. */
  conflicting: string[];
  /** Untracked here, tracked in the target. */
  untrackedInTheWay: string[];
  /** Ignored here, tracked in the target: git would overwrite them. */
  ignoredInTheWay: string[];
}

/**
 * What stands between the working tree and the target commit, decided
 * before anything changes, with git's two-way rules: a local change is
 * carried when the file is the same in both commits; a file the target adds
 * must not already be on disk.
 */
export async function findObstacles(
  git: GitRepo,
  options: {
    checkoutPath: string;
    head: string;
    target: string;
    work: LocalWork;
  },
): Promise<Obstacles> {
  const { checkoutPath, head, target, work } = options;
  const diff = parseTreeDiff(await readTreeDiffOrThrow(git, head, target));
  const differing = new Set(diff.map((entry) => entry.path));
  const untracked = new Set(work.untracked);
  const changed = new Set(work.changed);

  const conflicting = work.changed.filter((file) => differing.has(file));
  const untrackedInTheWay: string[] = [];
  const ignoredInTheWay: string[] = [];
  for (const entry of diff) {
    if (entry.status !== "A" || changed.has(entry.path)) continue;
    if (isUiOutputPath(entry.path)) continue;
    if (untracked.has(entry.path) || hasUntrackedBelow(work, entry.path)) {
      untrackedInTheWay.push(entry.path);
    } else if (existsOnDisk(path.join(checkoutPath, entry.path))) {
      ignoredInTheWay.push(entry.path);
    }
  }
  return { conflicting, untrackedInTheWay, ignoredInTheWay };
}

export function hasObstacles(obstacles: Obstacles): boolean {
  return (
    obstacles.conflicting.length > 0 ||
    obstacles.untrackedInTheWay.length > 0 ||
    obstacles.ignoredInTheWay.length > 0
  );
}

function parseTreeDiff(raw: string): { status: string; path: string }[] {
  const fields = raw.split("\0");
  const entries: { status: string; path: string }[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const status = fields[index] ?? "";
    const file = fields[index + 1] ?? "";
    if (status && file)
      entries.push({ status: status.slice(0, 1), path: file });
  }
  return entries;
}

/** An untracked directory where the target puts a file. */
function hasUntrackedBelow(work: LocalWork, file: string): boolean {
  return work.untracked.some((untracked) => untracked.startsWith(`${file}/`));
}

function existsOnDisk(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
