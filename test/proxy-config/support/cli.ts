import { execa } from "execa";
import { existsSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./fixtures.js";

export const CLI = path.join(REPO_ROOT, "dist", "cli.js");

/** The built CLI; built here when a targeted run comes before `npm test`. */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(CLI)) return;
  await execa(process.execPath, ["scripts/build.mjs"], { cwd: REPO_ROOT });
}

/** Runs `tdm-litellm <args>` without colours, never rejecting. */
export async function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
) {
  return execa(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { FORCE_COLOR: "0", ...options.env },
    extendEnv: false,
    reject: false,
  });
}
