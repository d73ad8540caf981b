import { execa } from "execa";
import { existsSync } from "node:fs";
import path from "node:path";
import type { Logger } from "../output/logger.js";
import { launcherPaths } from "../paths.js";

/**
 * uv on PATH, or the copy the launcher installed for itself from PyPI.
 * Installs it with pip the first time; undefined when that fails too.
 */
export async function tryEnsureUv(
  python: string,
  logger: Logger,
): Promise<string | undefined> {
  const onPath = await tryVersion("uv");
  if (onPath) return "uv";

  const target = path.join(launcherPaths().tools, "uv");
  const ownCopy = path.join(target, "bin", "uv");
  if (existsSync(ownCopy) && (await tryVersion(ownCopy))) return ownCopy;

  const step = logger.step(`installing uv into ${target} (first run only)`);
  try {
    await execa(python, [
      "-m",
      "pip",
      "install",
      "--quiet",
      "--disable-pip-version-check",
      "--target",
      target,
      "uv",
    ]);
  } catch {
    step.fail("pip could not install uv");
    return undefined;
  }
  if (!(await tryVersion(ownCopy))) {
    step.fail("the installed uv does not run");
    return undefined;
  }
  step.done();
  return ownCopy;
}

async function tryVersion(command: string): Promise<string | undefined> {
  try {
    const { stdout } = await execa(command, ["--version"]);
    return stdout.trim();
  } catch {
    return undefined;
  }
}
