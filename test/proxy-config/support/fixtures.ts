import { fileURLToPath } from "node:url";
import path from "node:path";

/** The repository's root, found from this file (test/proxy-config/support). */
export const REPO_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
);

/** `../shared` beside the repository, read-only. */
export const SHARED_DIR = path.resolve(REPO_ROOT, "..", "shared");

export const FIXTURES_DIR = path.join(SHARED_DIR, "fixtures", "proxy-configs");
