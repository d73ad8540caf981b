import { execa } from "execa";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";

/** Fixed identity and dates, so git never asks who is committing. */
export const GIT_TEST_ENV = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.invalid",
  GIT_COMMITTER_NAME: "Test Author",
  GIT_COMMITTER_EMAIL: "author@example.invalid",
  GIT_CONFIG_NOSYSTEM: "1",
} as const;

/**
 * Makes git calls of the code under test (which inherit `process.env`)
 * commit with the test identity too.
 */
export function useGitTestIdentity(): void {
  Object.assign(process.env, GIT_TEST_ENV);
}

/** A temp directory removed when the current test finishes. */
export function makeTempDir(prefix = "tdm-litellm-"): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function runGit(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await execa("git", ["-C", dir, ...args], {
    env: GIT_TEST_ENV,
  });
  return stdout.trim();
}

export const UI_DIR = "litellm/proxy/_experimental/out";

/** The content of each tagged release: path to text. */
const RELEASES: { tag: string; files: Record<string, string | null> }[] = [
  {
    tag: "v1.0.0",
    files: {
      "README.md": "LiteLLM test origin\n",
      "litellm/__init__.py": "version = '1.0.0'\n",
      "litellm/shared.py": "def shared():\n    return 1\n",
      "litellm/router.py": lines("router", 1, 20),
      [`${UI_DIR}/index.html`]: "<html>home</html>\n",
      [`${UI_DIR}/login.html`]: "<html>login</html>\n",
      [`${UI_DIR}/logs.html`]: "<html>logs</html>\n",
      [`${UI_DIR}/_next/app.js`]: "console.log(1)\n",
    },
  },
  {
    tag: "v1.1.0",
    files: {
      "litellm/__init__.py": "version = '1.1.0'\n",
      "litellm/added.py": "added = True\n",
      [`${UI_DIR}/login.html`]: "<html>login 1.1</html>\n",
    },
  },
  {
    tag: "v2.0.0",
    files: {
      "litellm/__init__.py": "version = '2.0.0'\n",
      "litellm/router.py": lines("router v2", 1, 20),
    },
  },
];

export interface GitOrigin {
  dir: string;
  url: string;
  /** Tag name to commit id. */
  tags: Record<string, string>;
  /** Branch name to commit id. */
  branches: Record<string, string>;
  /** A commit on top of v1.0.0 that no branch or tag points at. */
  danglingCommit: string;
}

/**
 * A small "LiteLLM origin" in a temp directory, removed when the test
 * finishes: tags v1.0.0, v1.1.0, v2.0.0 on `main`, a branch `feature` off
 * v1.1.0, and a commit reachable from nothing. It serves partial clones
 * and commits by id, as GitHub does.
 */
export async function makeGitOrigin(): Promise<GitOrigin> {
  const dir = path.join(makeTempDir("tdm-litellm-origin-"), "litellm");
  mkdirSync(dir);
  const git = (...args: string[]) => runGit(dir, ...args);
  await git("init", "--quiet", "--initial-branch=main");
  await git("config", "uploadpack.allowFilter", "true");
  await git("config", "uploadpack.allowAnySHA1InWant", "true");

  const tags: Record<string, string> = {};
  for (const release of RELEASES) {
    writeFiles(dir, release.files);
    await git("add", "--all");
    await git("commit", "--quiet", "-m", `Release ${release.tag}`);
    await git("tag", "-a", release.tag, "-m", release.tag);
    tags[release.tag] = await git("rev-parse", "HEAD");
  }

  await git("switch", "--quiet", "-c", "feature", "v1.1.0");
  writeFiles(dir, { "litellm/feature.py": "feature = True\n" });
  await git("add", "--all");
  await git("commit", "--quiet", "-m", "A feature");
  const feature = await git("rev-parse", "HEAD");

  await git("switch", "--quiet", "-c", "to-be-deleted", "v1.0.0");
  writeFiles(dir, { "litellm/dangling.py": "dangling = True\n" });
  await git("add", "--all");
  await git("commit", "--quiet", "-m", "A commit on no branch");
  const danglingCommit = await git("rev-parse", "HEAD");
  await git("switch", "--quiet", "main");
  await git("branch", "--quiet", "-D", "to-be-deleted");

  return {
    dir,
    url: `file://${dir}`,
    tags,
    branches: { main: tags["v2.0.0"] ?? "", feature },
    danglingCommit,
  };
}

function writeFiles(dir: string, files: Record<string, string | null>): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(dir, relative);
    if (content === null) {
      rmSync(file, { force: true });
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

function lines(label: string, from: number, to: number): string {
  const out: string[] = [];
  for (let index = from; index <= to; index += 1) {
    out.push(`# ${label} line ${index}`);
  }
  return `${out.join("\n")}\n`;
}
