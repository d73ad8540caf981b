import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../fs-atomic.js";
import { launcherPaths } from "../paths.js";

/**
 * Which environment each checkout's current pin uses. `sync --prune` keeps
 * these and removes the rest; a checkout that no longer exists no longer
 * holds its environment.
 */
type InUse = Record<string, string>;

function registryFile(): string {
  return path.join(launcherPaths().environments, "in-use.json");
}

export function readEnvironmentsInUse(): InUse {
  try {
    const data = JSON.parse(readFileSync(registryFile(), "utf8")) as unknown;
    return typeof data === "object" && data !== null ? (data as InUse) : {};
  } catch {
    return {};
  }
}

/** Records the checkout's environment; writes only when it changed. */
export function recordEnvironmentInUse(checkoutPath: string, key: string) {
  const checkout = path.resolve(checkoutPath);
  const inUse = readEnvironmentsInUse();
  if (inUse[checkout] === key) return;
  inUse[checkout] = key;
  writeFileAtomic(registryFile(), JSON.stringify(inUse, null, 2) + "\n");
}

export interface PruneResult {
  removed: { key: string; bytes: number }[];
  kept: string[];
  freedBytes: number;
}

const ENVIRONMENT_NAME = /^[0-9a-f]{16}$/;

/**
 * Removes every environment no recorded checkout uses, and what builds
 * that never finished left behind. Sizes are apparent sizes: files uv
 * hard-linked from its cache free less than that.
 */
export function pruneEnvironments(): PruneResult {
  const environments = launcherPaths().environments;
  const inUse = readEnvironmentsInUse();
  const live: InUse = {};
  for (const [checkout, key] of Object.entries(inUse)) {
    if (existsSync(checkout)) live[checkout] = key;
  }
  const keep = new Set(Object.values(live));
  const removed: PruneResult["removed"] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(environments);
  } catch {
    return { removed, kept: [], freedBytes: 0 };
  }
  for (const entry of entries) {
    const leftover = /^\.([0-9a-f]{16})-/.exec(entry);
    if (!ENVIRONMENT_NAME.test(entry) && !leftover) continue;
    const key = leftover?.[1] ?? entry;
    if (keep.has(key) || existsSync(path.join(environments, `.${key}.lock`))) {
      continue;
    }
    const dir = path.join(environments, entry);
    const bytes = directorySize(dir);
    rmSync(dir, { recursive: true, force: true });
    if (!leftover) removed.push({ key, bytes });
    else removed.push({ key: entry, bytes });
  }
  removeStaleFingerprints(environments, keep);
  if (Object.keys(live).length !== Object.keys(inUse).length) {
    writeFileAtomic(registryFile(), JSON.stringify(live, null, 2) + "\n");
  }
  return {
    removed,
    kept: [...keep].sort(),
    freedBytes: removed.reduce((sum, entry) => sum + entry.bytes, 0),
  };
}

function removeStaleFingerprints(environments: string, keep: Set<string>) {
  const dir = path.join(environments, ".fingerprints");
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  for (const file of files) {
    try {
      const { key } = JSON.parse(
        readFileSync(path.join(dir, file), "utf8"),
      ) as { key?: string };
      if (!key || !keep.has(key)) rmSync(path.join(dir, file), { force: true });
    } catch {
      rmSync(path.join(dir, file), { force: true });
    }
  }
}

/** Apparent size of a tree, symbolic links not followed. */
export function directorySize(dir: string): number {
  let total = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      continue;
    }
    total += stat.size;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(current)) {
        pending.push(path.join(current, entry));
      }
    }
  }
  return total;
}
