import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Downloads and built artifacts that tests reuse across runs. Outside the
 * clone, so a fresh CI clone on the same machine finds them.
 */
export function testCacheDir(...parts: string[]): string {
  const root =
    process.env.TDM_LITELLM_TEST_CACHE ??
    path.join(os.homedir(), ".cache", "tdm-litellm-tests");
  const dir = path.join(root, ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
