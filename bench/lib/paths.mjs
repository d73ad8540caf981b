import path from "node:path";
import { fileURLToPath, URL } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = path.join(REPO_ROOT, "bin", "tdm-litellm");

export { testCacheDir } from "../../dist-support/cache.js";
export { cliEnvironment } from "../../dist-support/cli.js";
