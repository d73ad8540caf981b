import { randomBytes } from "node:crypto";
import { renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Writes a file so that a reader sees the old or the new content, never a
 * half-written one. An existing file keeps its mode unless one is given.
 */
export function writeFileAtomic(
  file: string,
  content: string,
  options: { mode?: number } = {},
): void {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  const mode = options.mode ?? tryModeOf(file) ?? 0o644;
  try {
    writeFileSync(temporary, content, { mode, flag: "wx" });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function tryModeOf(file: string): number | undefined {
  try {
    return statSync(file).mode & 0o777;
  } catch {
    return undefined;
  }
}
