import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Compares the release parts of two PEP 440 versions (`1.104.0rc1` counts
 * as 1.104.0: a release candidate already carries the release's rules).
 */
export function compareReleases(a: string, b: string): number {
  const partsOf = (version: string) =>
    (/^\d+(?:\.\d+)*/.exec(version)?.[0] ?? "0").split(".").map(Number);
  const left = partsOf(a);
  const right = partsOf(b);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

export function isAtLeast(version: string | undefined, floor: string): boolean {
  return version !== undefined && compareReleases(version, floor) >= 0;
}

/** The version a checkout's `pyproject.toml` states, if it can be read. */
export function tryReadLitellmVersion(
  checkoutPath: string,
): string | undefined {
  try {
    const pyproject = readFileSync(
      path.join(checkoutPath, "pyproject.toml"),
      "utf8",
    );
    return /^version\s*=\s*"([^"]+)"/m.exec(pyproject)?.[1];
  } catch {
    return undefined;
  }
}
