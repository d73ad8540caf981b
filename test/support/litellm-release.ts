import { execa } from "execa";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { testCacheDir } from "./cache.js";

/** The Poetry-era release the Nix shell pinned (its line: 1.80.x). */
export const POETRY_ERA_VERSION = "1.80.10";
export const POETRY_ERA_TAG = "v1.80.10";

const SIMPLE_INDEX = "https://pypi.org/simple/litellm/";

interface SimpleFile {
  filename: string;
  url: string;
  hashes: { sha256?: string };
}

/**
 * The source distribution of a LiteLLM release from PyPI, downloaded once
 * and verified against the index's hash. Returns the unpacked directory.
 */
export async function unpackedRelease(version: string): Promise<string> {
  const dir = testCacheDir("releases", version);
  const unpacked = path.join(dir, "src");
  if (existsSync(path.join(unpacked, "pyproject.toml"))) return unpacked;

  const archive = await downloadSdist(version, dir);
  const staging = path.join(dir, "staging");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  await execa("tar", ["-xzf", archive, "-C", staging]);
  const [top] = readdirSync(staging);
  if (!top) throw new Error(`${archive} is empty`);
  rmSync(unpacked, { recursive: true, force: true });
  renameSync(path.join(staging, top), unpacked);
  rmSync(staging, { recursive: true, force: true });
  return unpacked;
}

async function downloadSdist(version: string, dir: string): Promise<string> {
  const filename = `litellm-${version}.tar.gz`;
  const archive = path.join(dir, filename);
  if (existsSync(archive)) return archive;

  const response = await fetch(SIMPLE_INDEX, {
    headers: { Accept: "application/vnd.pypi.simple.v1+json" },
  });
  if (!response.ok) {
    throw new Error(`PyPI answered ${response.status} for ${SIMPLE_INDEX}`);
  }
  const index = (await response.json()) as { files: SimpleFile[] };
  const file = index.files.find((entry) => entry.filename === filename);
  if (!file) throw new Error(`PyPI has no source distribution ${filename}`);

  const download = await fetch(file.url);
  if (!download.ok) {
    throw new Error(`downloading ${file.url} failed: ${download.status}`);
  }
  const bytes = Buffer.from(await download.arrayBuffer());
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (file.hashes.sha256 && digest !== file.hashes.sha256) {
    throw new Error(`${filename}: sha256 ${digest} is not the index's`);
  }
  const partial = `${archive}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, archive);
  return archive;
}

export interface OriginRelease {
  version: string;
  /** The tag to create, such as `v1.80.10`. */
  tag: string;
}

export interface LitellmOrigin {
  /** A bare repository that clones can use as their remote. */
  dir: string;
  url: string;
  tags: Record<string, string>;
}

const FIXED_DATE = "2026-01-01T00:00:00Z";

/**
 * A "LiteLLM origin": a bare git repository with one commit per release,
 * each the release's unpacked source distribution, tagged. Commits use
 * fixed authors and dates, so the same releases give the same commit ids;
 * the repository is built once and reused from the test cache.
 */
export async function litellmOrigin(
  releases: OriginRelease[],
): Promise<LitellmOrigin> {
  const name = releases.map((release) => release.tag).join("+");
  const bare = path.join(testCacheDir("origins"), `${name}.git`);
  if (!existsSync(path.join(bare, "HEAD"))) {
    await buildOrigin(releases, bare);
  }
  const tags: Record<string, string> = {};
  for (const release of releases) {
    const { stdout } = await execa("git", [
      "-C",
      bare,
      "rev-parse",
      `${release.tag}^{commit}`,
    ]);
    tags[release.tag] = stdout.trim();
  }
  return { dir: bare, url: `file://${bare}`, tags };
}

async function buildOrigin(
  releases: OriginRelease[],
  bare: string,
): Promise<void> {
  const work = `${bare}.work`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const env = {
    GIT_AUTHOR_NAME: "LiteLLM release",
    GIT_AUTHOR_EMAIL: "release@example.invalid",
    GIT_COMMITTER_NAME: "LiteLLM release",
    GIT_COMMITTER_EMAIL: "release@example.invalid",
    GIT_AUTHOR_DATE: FIXED_DATE,
    GIT_COMMITTER_DATE: FIXED_DATE,
  };
  const git = (...args: string[]) =>
    execa("git", ["-C", work, ...args], { env });
  await git("init", "--quiet", "--initial-branch=main");
  for (const release of releases) {
    const source = await unpackedRelease(release.version);
    for (const entry of readdirSync(work)) {
      if (entry !== ".git") rmSync(path.join(work, entry), { recursive: true });
    }
    cpSync(source, work, { recursive: true });
    // Keep build outputs out, as LiteLLM's own repository does.
    writeFileSync(path.join(work, ".gitignore"), "__pycache__/\n*.pyc\n");
    await git("add", "--all");
    await git("commit", "--quiet", "-m", `Release ${release.version}`);
    await git("tag", release.tag);
  }
  rmSync(bare, { recursive: true, force: true });
  await execa("git", ["clone", "--quiet", "--bare", work, bare]);
  await execa("git", ["-C", bare, "config", "uploadpack.allowFilter", "true"]);
  await execa("git", [
    "-C",
    bare,
    "config",
    "uploadpack.allowAnySHA1InWant",
    "true",
  ]);
  rmSync(work, { recursive: true, force: true });
}

/** Reads a file of a release's source, for assertions. */
export async function readReleaseFile(
  version: string,
  relative: string,
): Promise<string> {
  return readFile(path.join(await unpackedRelease(version), relative), "utf8");
}
