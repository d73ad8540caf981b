import { mkdirSync } from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";
import { projectStateDir } from "../paths.js";

/**
 * A lock older than this without a refresh belongs to a launcher that died;
 * the holder refreshes it every half of it.
 */
const START_LOCK_STALE_MS = 20_000;

export type ReleaseLock = () => Promise<void>;

/**
 * The lock around "is one running? then start it and record it", so that
 * two `up` at once on one project start one proxy. Undefined when another
 * launcher holds it: that one is starting the proxy right now.
 */
export async function tryLockStart(
  projectDir: string,
): Promise<ReleaseLock | undefined> {
  const dir = projectStateDir(projectDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const release = await lockfile.lock(dir, {
      lockfilePath: path.join(dir, "start.lock"),
      realpath: false,
      stale: START_LOCK_STALE_MS,
      retries: 0,
      // A refresh that fails (a very slow disk) must not crash `up`.
      onCompromised: () => undefined,
    });
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      await release().catch(() => undefined);
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOCKED") return undefined;
    throw error;
  }
}
