import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * Every file under a directory (`.git` left out) with its content, for
 * "nothing changed" assertions.
 */
export function snapshotTree(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === ".git") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else files[path.relative(root, full)] = readFileSync(full, "utf8");
    }
  };
  visit(root);
  return files;
}
