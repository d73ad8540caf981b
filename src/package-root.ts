import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

/**
 * The directory of this package: the nearest one above this module that
 * holds `package.json`. The build bundles modules into chunks whose depth
 * under `dist/` is not fixed, so files that ship beside the code (the
 * templates in `config/`, the start watcher) are found from here rather
 * than relative to the current module.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`no package.json above ${import.meta.url}`);
    }
    dir = parent;
  }
  cached = dir;
  return dir;
}
