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
 * The file's text, and the stamp to remember its content by: none when it
 * changed so recently that a next change could keep its timestamps.
 */
export function readWithStamp(file: string): {
  text: string;
  stamp: string | undefined;
} {
  const stats = statSync(file, { bigint: true });
  const text = readFileSync(file, "utf8");
  const changedMsAgo = Date.now() - Number(stats.ctimeMs);
  return {
    text,
    stamp: changedMsAgo < RACY_MS ? undefined : stampOf(file, stats),
  };
}

/** Remembers the content read; a cache that cannot be written costs only speed. */
export function rememberWrapperConfig(
  file: string,
  stamp: string | undefined,
  data: WrapperConfigData,
): void {
  if (stamp === undefined) return;
  try {
    const target = memoFile(file);
    mkdirSync(path.dirname(target), { recursive: true });
    const memo: Memo = { stamp, data };
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
