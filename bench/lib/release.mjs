import { Buffer } from "node:buffer";
import { execFile } from "node:child_process";
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
import path from "node:path";
import process from "node:process";
import { promisify } from "node:util";
import { testCacheDir } from "./paths.mjs";

/* global fetch */

const run = promisify(execFile);

/**
 * The LiteLLM origin the end-to-end tests use (test/support/
 * litellm-release.ts): a bare repository with one commit per release, each
 * the release's PyPI source distribution, built the same way into the same
 * cache, so the bench and the tests share it.
 */
export const RELEASE = { version: "1.80.10", tag: "v1.80.10" };

const SIMPLE_INDEX = "https://pypi.org/simple/litellm/";
const FIXED_DATE = "2026-01-01T00:00:00Z";

export async function litellmOrigin(releases = [RELEASE]) {
  const name = releases.map((release) => release.tag).join("+");
  const bare = path.join(testCacheDir("origins"), `${name}.git`);
  if (!existsSync(path.join(bare, "HEAD"))) await buildOrigin(releases, bare);
  return { dir: bare, url: `file://${bare}` };
}

export async function unpackedRelease(version) {
  const dir = testCacheDir("releases", version);
  const unpacked = path.join(dir, "src");
  if (existsSync(path.join(unpacked, "pyproject.toml"))) return unpacked;

  const archive = await downloadSdist(version, dir);
  const staging = path.join(dir, "staging");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  await run("tar", ["-xzf", archive, "-C", staging]);
  const [top] = readdirSync(staging);
  rmSync(unpacked, { recursive: true, force: true });
  renameSync(path.join(staging, top), unpacked);
  rmSync(staging, { recursive: true, force: true });
  return unpacked;
}

async function downloadSdist(version, dir) {
  const filename = `litellm-${version}.tar.gz`;
  const archive = path.join(dir, filename);
  if (existsSync(archive)) return archive;

  const response = await fetch(SIMPLE_INDEX, {
    headers: { Accept: "application/vnd.pypi.simple.v1+json" },
  });
  if (!response.ok) throw new Error(`PyPI answered ${response.status}`);
  const index = await response.json();
  const file = index.files.find((entry) => entry.filename === filename);
  if (!file) throw new Error(`PyPI has no source distribution ${filename}`);
  const download = await fetch(file.url);
  if (!download.ok) throw new Error(`downloading ${file.url} failed`);
  const bytes = Buffer.from(await download.arrayBuffer());
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (file.hashes.sha256 && digest !== file.hashes.sha256) {
    throw new Error(`${filename}: sha256 ${digest} is not the index's`);
  }
  writeFileSync(`${archive}.partial`, bytes);
  renameSync(`${archive}.partial`, archive);
  return archive;
}

async function buildOrigin(releases, bare) {
  const work = `${bare}.work`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "LiteLLM release",
    GIT_AUTHOR_EMAIL: "release@example.invalid",
    GIT_COMMITTER_NAME: "LiteLLM release",
    GIT_COMMITTER_EMAIL: "release@example.invalid",
    GIT_AUTHOR_DATE: FIXED_DATE,
    GIT_COMMITTER_DATE: FIXED_DATE,
  };
  const git = (...args) => run("git", ["-C", work, ...args], { env });
  await git("init", "--quiet", "--initial-branch=main");
  for (const release of releases) {
    const source = await unpackedRelease(release.version);
    for (const entry of readdirSync(work)) {
      if (entry !== ".git") rmSync(path.join(work, entry), { recursive: true });
    }
    cpSync(source, work, { recursive: true });
    writeFileSync(path.join(work, ".gitignore"), "__pycache__/\n*.pyc\n");
    await git("add", "--all");
    await git("commit", "--quiet", "-m", `Release ${release.version}`);
    await git("tag", release.tag);
  }
  rmSync(bare, { recursive: true, force: true });
  await run("git", ["clone", "--quiet", "--bare", work, bare]);
  await run("git", ["-C", bare, "config", "uploadpack.allowFilter", "true"]);
  await run("git", [
    "-C",
    bare,
    "config",
    "uploadpack.allowAnySHA1InWant",
    "true",
  ]);
  rmSync(work, { recursive: true, force: true });
}
