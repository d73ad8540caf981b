import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../fs-atomic.js";
import type { Logger } from "../output/logger.js";
import { launcherPaths } from "../paths.js";
import { recordEnvironmentInUse } from "./registry.js";

/*
 * The no-change path, kept apart from the build so that deciding "nothing
 * to do" loads no installer code: only node's fs, crypto and path.
 */

/** The files besides pyproject.toml that decide the dependency set. */
export const LOCK_FILES = ["uv.lock", "poetry.lock"] as const;

export interface PythonEnvironment {
  /** The environment's directory. */
  dir: string;
  /** Its interpreter. */
  python: string;
  pythonVersion: string;
  /** What determines its content, hashed. */
  key: string;
  /** True when it existed and nothing was installed. */
  reused: boolean;
}

export interface EnsureEnvironmentOptions {
  checkoutPath: string;
  /** An interpreter asked for with `--python` or `python:`. */
  python?: string | undefined;
  /** Extras of the LiteLLM package to install; `proxy` always. */
  extras?: string[];
  /** Packages beyond the extras, such as callback SDKs. */
  packages?: string[];
  logger: Logger;
}

/** Written last, after install and probe passed: the mark of a complete env. */
export const MARKER_FILE = "tdm-litellm-env.json";
/** Bump when the layout or the key's material changes. */
export const KEY_FORMAT = 3;

export interface EnvironmentMarker {
  key: string;
  complete: true;
  python: string;
  pythonVersion: string;
  packaging: "uv-lock" | "poetry-lock" | "declared";
  extras: string[];
  builtAt: string;
  installer: "uv" | "pip";
}

/**
 * The no-change path: when pyproject.toml, the lock files, the extras and
 * the requested interpreter are what they were at the last ensure, and that
 * environment is still complete, answer from two small files, with no
 * installer and no Python started.
 */
export function tryFindReadyEnvironment(
  options: Omit<EnsureEnvironmentOptions, "logger">,
): PythonEnvironment | undefined {
  const fingerprint = fingerprintOf(options);
  if (!fingerprint) return undefined;
  const known = readFingerprint(fingerprint);
  if (!known) return undefined;
  const dir = path.join(launcherPaths().environments, known.key);
  const marker = readCompleteMarker(dir, known.key);
  if (!marker || !existsSync(marker.python)) return undefined;
  if (known.nativeFile && !existsSync(known.nativeFile)) return undefined;
  recordEnvironmentInUse(options.checkoutPath, known.key);
  return {
    dir,
    python: marker.python,
    pythonVersion: marker.pythonVersion,
    key: known.key,
    reused: true,
  };
}

/** Hash of every input the environment's key is derived from. */
export function fingerprintOf(
  options: Omit<EnsureEnvironmentOptions, "logger">,
): string | undefined {
  const hash = createHash("sha256").update(
    JSON.stringify({
      format: KEY_FORMAT,
      checkout: path.resolve(options.checkoutPath),
      python: options.python ?? null,
      extras: [...new Set(options.extras ?? [])].sort(),
      packages: [...new Set(options.packages ?? [])].sort(),
    }),
  );
  for (const file of ["pyproject.toml", ...LOCK_FILES]) {
    try {
      hash
        .update(`\0${file}\0`)
        .update(readFileSync(path.join(options.checkoutPath, file)));
    } catch {
      if (file === "pyproject.toml") return undefined;
      hash.update(`\0${file}\0-`);
    }
  }
  return hash.digest("hex").slice(0, 32);
}

export interface FingerprintRecord {
  key: string;
  pythonVersion: string;
  /** A file whose presence shows the compiled extension is in place. */
  nativeFile: string | null;
}

function fingerprintFile(fingerprint: string): string {
  return path.join(
    launcherPaths().environments,
    ".fingerprints",
    `${fingerprint}.json`,
  );
}

function readFingerprint(fingerprint: string): FingerprintRecord | undefined {
  try {
    const record = JSON.parse(
      readFileSync(fingerprintFile(fingerprint), "utf8"),
    ) as Partial<FingerprintRecord>;
    return typeof record.key === "string" &&
      typeof record.pythonVersion === "string"
      ? {
          key: record.key,
          pythonVersion: record.pythonVersion,
          nativeFile: record.nativeFile ?? null,
        }
      : undefined;
  } catch {
    return undefined;
  }
}

export function writeFingerprint(
  fingerprint: string | undefined,
  record: FingerprintRecord,
): void {
  if (!fingerprint) return;
  const file = fingerprintFile(fingerprint);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(record) + "\n");
}

export function readCompleteMarker(
  dir: string,
  key?: string,
): EnvironmentMarker | undefined {
  try {
    const marker = JSON.parse(
      readFileSync(path.join(dir, MARKER_FILE), "utf8"),
    ) as Partial<EnvironmentMarker>;
    if (marker.complete !== true) return undefined;
    if (key !== undefined && marker.key !== key) return undefined;
    return marker as EnvironmentMarker;
  } catch {
    return undefined;
  }
}
