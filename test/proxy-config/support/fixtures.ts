import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root, found from this file (test/proxy-config/support). */
export const REPO_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
);

/**
 * The project's shared material (`shared/fixtures`), read-only: named by
 * `TDM_LITELLM_SHARED_DIR`, or `shared` beside the repository or one of
 * its parents, or beside the repository a local clone was made from.
 */
export const SHARED_DIR = findSharedDir();

function findSharedDir(): string {
  const candidates: string[] = [];
  const named = process.env.TDM_LITELLM_SHARED_DIR;
  if (named) candidates.push(path.resolve(named));
  for (let dir = REPO_ROOT; ; dir = path.dirname(dir)) {
    candidates.push(path.join(path.dirname(dir), "shared"));
    if (path.dirname(dir) === dir) break;
  }
  const origin = localOriginOf(REPO_ROOT);
  if (origin) candidates.push(path.join(path.dirname(origin), "shared"));

  const found = candidates.find((dir) =>
    existsSync(path.join(dir, "fixtures")),
  );
  if (found) return found;
  throw new Error(
    `the shared fixtures are not here: no fixtures/ in ${candidates.join(", ")}; ` +
      "set TDM_LITELLM_SHARED_DIR to the directory that holds them",
  );
}

/** The directory a clone was made from, when its origin is a local path. */
function localOriginOf(repo: string): string | undefined {
  try {
    const url = execFileSync(
      "git",
      ["-C", repo, "config", "--get", "remote.origin.url"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
    ).trim();
    const local = url.startsWith("file://") ? fileURLToPath(url) : url;
    return path.isAbsolute(local) ? local : undefined;
  } catch {
    return undefined;
  }
}

export const FIXTURES_DIR = path.join(SHARED_DIR, "fixtures", "proxy-configs");
