import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, type BigIntStats } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import packageJson from "../../package.json" with { type: "json" };
import { writeFileAtomic } from "../fs-atomic.js";
import { launcherPaths } from "../paths.js";
import type { WrapperConfigData } from "./schema.js";

/*
 * The validated content of a `tdm-litellm.yaml`, remembered against the
 * file's identity, so that commands which change nothing (a no-change
 * `sync`, a warm `up`) need neither the YAML parser nor the schema. Any
 * write to the file changes its ctime, and a new build or version of the
 * launcher changes its own identity; either makes the memo miss and the
 * file is read again.
 */

interface Memo {
  stamp: string;
  data: WrapperConfigData;
}

/**
 * A file changed this close to the read could change again within the
 * same tick of the file system's clock, keeping its timestamps: not kept.
 * The clock's tick is a few milliseconds at most.
 */
const RACY_MS = 100;

export function recallWrapperConfig(
  file: string,
): WrapperConfigData | undefined {
  try {
    const stats = statSync(file, { bigint: true });
    const memo = JSON.parse(readFileSync(memoFile(file), "utf8")) as Memo;
    return memo.stamp === stampOf(file, stats) ? memo.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Remembers what `stats`, taken before the file was read, describes. A
 * cache that cannot be written costs only speed, so failures are ignored.
 */
export function rememberWrapperConfig(
  file: string,
  stats: BigIntStats,
  data: WrapperConfigData,
): void {
  const changedMsAgo = Date.now() - Number(stats.ctimeMs);
  if (changedMsAgo < RACY_MS) return;
  try {
    const target = memoFile(file);
    mkdirSync(path.dirname(target), { recursive: true });
    const memo: Memo = { stamp: stampOf(file, stats), data };
    writeFileAtomic(target, JSON.stringify(memo));
  } catch {
    // Read again next time.
  }
}

function stampOf(file: string, stats: BigIntStats): string {
  const self = statSync(fileURLToPath(import.meta.url), { bigint: true });
  return [
    packageJson.version,
    self.size,
    self.mtimeNs,
    file,
    stats.dev,
    stats.ino,
    stats.size,
    stats.mtimeNs,
    stats.ctimeNs,
  ].join(":");
}

function memoFile(file: string): string {
  const name = createHash("sha256").update(file).digest("hex").slice(0, 24);
  return path.join(launcherPaths().cache, "wrapper-configs", `${name}.json`);
}
