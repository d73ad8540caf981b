import { execa, ExecaError } from "execa";
import { existsSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";

/**
 * Git, one small function per git call. Refs reaching this module have been
 * checked by `assertSafeRef`; every call still ends options before a
 * user-supplied value where git allows it.
 *
 * NOTE: git runs through execa, not simple-git: simple-git waits 50 ms
 * after every command that prints nothing (its completion detection), and
 * most of the calls of a switch print nothing; that was half of a warm
 * switch's time.
 */

export { assertSafeRef } from "./ref.js";

export const REMOTE_NAME = "origin";
const PARTIAL_FILTER = "blob:none";

export interface GitProgress {
  /** Git's words, such as `Receiving objects`. */
  stage: string;
  percent: number;
}

/** A repository to run git in, and where transfer progress goes. */
export interface GitRepo {
  dir: string;
  onProgress: ((event: GitProgress) => void) | undefined;
}

export function gitIn(
  dir: string,
  onProgress?: (event: GitProgress) => void,
): GitRepo {
  return { dir, onProgress };
}

export function isCheckout(dir: string): boolean {
  return existsSync(path.join(dir, ".git"));
}

export async function initRepositoryOrThrow(git: GitRepo): Promise<void> {
  await runOrThrow(git, ["init", "--quiet"], "creating the checkout failed", {
    hint: "check that the parent directory of `litellm.path` is writable",
  });
}

export async function addRemoteOrThrow(
  git: GitRepo,
  url: string,
): Promise<void> {
  await runOrThrow(
    git,
    ["remote", "add", REMOTE_NAME, "--", url],
    `adding the remote ${url} failed`,
    { hint: "check `litellm.remote` in tdm-litellm.yaml" },
  );
}

export type RemoteRefKind = "tag" | "branch";

export interface RemoteRef {
  kind: RemoteRefKind;
  name: string;
  commit: string;
}

/**
 * Asks the remote for a tag or branch of exactly this name. Throws the
 * offline message when the remote cannot be reached.
 */
export async function listRemoteRefsOrThrow(
  git: GitRepo,
  name: string,
): Promise<RemoteRef[]> {
  const output = await runOrThrow(
    git,
    ["ls-remote", REMOTE_NAME, `refs/tags/${name}`, `refs/heads/${name}`],
    `ref ${name} is not in the local clone, and the remote cannot be reached`,
    { hint: offlineHint(name) },
  );
  const refs: RemoteRef[] = [];
  for (const line of output.split("\n")) {
    const [commit, fullName] = line.trim().split("\t");
    if (!commit || !fullName || fullName.endsWith("^{}")) continue;
    const kind = fullName.startsWith("refs/tags/") ? "tag" : "branch";
    refs.push({ kind, name, commit });
  }
  return refs;
}

/** Fetches a tag or a branch (into `origin/<name>`), history without blobs. */
export async function fetchRemoteRefOrThrow(
  git: GitRepo,
  ref: RemoteRef,
): Promise<void> {
  const refspec =
    ref.kind === "tag"
      ? `+refs/tags/${ref.name}:refs/tags/${ref.name}`
      : `+refs/heads/${ref.name}:refs/remotes/${REMOTE_NAME}/${ref.name}`;
  await fetchOrThrow(git, [refspec], ref.name);
}

/** Fetches one commit by its full id (servers allow reachable ones). */
export async function fetchCommitOrThrow(
  git: GitRepo,
  commit: string,
): Promise<void> {
  await fetchOrThrow(git, [commit], commit);
}

/**
 * Fetches every branch and tag. Only for an abbreviated commit id, which
 * no server can be asked for directly.
 */
export async function fetchEverythingOrThrow(
  git: GitRepo,
  ref: string,
): Promise<void> {
  await fetchOrThrow(
    git,
    [`+refs/heads/*:refs/remotes/${REMOTE_NAME}/*`, "+refs/tags/*:refs/tags/*"],
    ref,
  );
}

async function fetchOrThrow(
  git: GitRepo,
  refspecs: string[],
  ref: string,
): Promise<void> {
  await runOrThrow(
    git,
    [
      "fetch",
      "--quiet",
      ...progressFlag(git),
      "--no-tags",
      `--filter=${PARTIAL_FILTER}`,
      REMOTE_NAME,
      ...refspecs,
    ],
    `ref ${ref} is not in the local clone, and fetching it failed`,
    { hint: offlineHint(ref) },
  );
}

function offlineHint(ref: string): string {
  return `run \`tdm-litellm checkout ${ref}\` with network access`;
}

export async function tryResolveCommit(
  git: GitRepo,
  revision: string,
): Promise<string | undefined> {
  try {
    const commit = await runGit(git, [
      "rev-parse",
      "--verify",
      "--quiet",
      "--end-of-options",
      `${revision}^{commit}`,
    ]);
    return commit.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a commit is in the local object store. NOTE: `rev-parse` and
 * `cat-file` in a partial clone silently fetch a missing object one at a
 * time; `rev-list --missing=print` never does.
 */
export async function hasCommitLocally(
  git: GitRepo,
  commit: string,
): Promise<boolean> {
  try {
    await runGit(git, [
      "rev-list",
      "--no-walk",
      "--missing=print",
      commit,
      "--",
    ]);
    return true;
  } catch {
    return false;
  }
}

/** The branch HEAD is on, or undefined when HEAD is detached. */
export async function tryReadBranch(git: GitRepo): Promise<string | undefined> {
  try {
    const name = await runGit(git, [
      "symbolic-ref",
      "--quiet",
      "--short",
      "HEAD",
    ]);
    return name.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `git status` as raw NUL-separated porcelain v1 entries. */
export async function readStatusOrThrow(git: GitRepo): Promise<string> {
  return runOrThrow(
    git,
    ["status", "--porcelain=v1", "-z", "--untracked-files=all"],
    "reading the checkout's status failed",
    { hint: "run `git status` in the checkout to see what is wrong" },
  );
}

/** Paths that differ between two commits, with git's A/M/D/T letter. */
export async function readTreeDiffOrThrow(
  git: GitRepo,
  from: string,
  to: string,
): Promise<string> {
  return runOrThrow(
    git,
    ["diff", "--name-status", "-z", "--no-renames", from, to, "--"],
    `comparing ${from.slice(0, 12)} with ${to.slice(0, 12)} failed`,
    { hint: "run `git fsck` in the checkout" },
  );
}

/** Commits reachable from HEAD and from nothing else that keeps them. */
export async function listUnsavedCommitsOrThrow(
  git: GitRepo,
  keep: string[],
): Promise<string[]> {
  const output = await runOrThrow(
    git,
    ["rev-list", "HEAD", "--not", "--branches", "--tags", "--remotes", ...keep],
    "listing the commits on HEAD failed",
    { hint: "run `git log` in the checkout to see what is wrong" },
  );
  return output.split("\n").filter((line) => line.length > 0);
}

/** How many commits `to` has that `from` lacks, and the other way round. */
export async function countDivergenceOrThrow(
  git: GitRepo,
  from: string,
  to: string,
): Promise<{ behind: number; ahead: number }> {
  const output = await runOrThrow(
    git,
    ["rev-list", "--left-right", "--count", `${from}...${to}`, "--"],
    `comparing ${from.slice(0, 12)} with ${to.slice(0, 12)} failed`,
    { hint: "run `tdm-litellm checkout` to fetch the pinned commit" },
  );
  const [behind, ahead] = output.trim().split(/\s+/).map(Number);
  return { behind: behind ?? 0, ahead: ahead ?? 0 };
}

/** Commits on HEAD that neither `base` nor any tag or remote branch has. */
export async function countLocalCommitsOrThrow(
  git: GitRepo,
  base: string,
): Promise<number> {
  const output = await runOrThrow(
    git,
    ["rev-list", "--count", "HEAD", "--not", base, "--tags", "--remotes"],
    "counting the local commits failed",
    { hint: "run `git log` in the checkout to see what is wrong" },
  );
  return Number(output.trim());
}

export async function createBranchOrThrow(
  git: GitRepo,
  name: string,
  commit: string,
): Promise<void> {
  await runOrThrow(
    git,
    ["branch", "--", name, commit],
    `creating the branch ${name} for the local commits failed`,
    { hint: `create it by hand: \`git branch ${name} ${commit}\`` },
  );
}

/** Restores tracked files under a directory from HEAD, index included. */
export async function restoreFromHeadOrThrow(
  git: GitRepo,
  relativeDir: string,
): Promise<void> {
  await runOrThrow(
    git,
    ["restore", "--source=HEAD", "--staged", "--worktree", "--", relativeDir],
    `restoring ${relativeDir} failed`,
    {
      hint: `run \`git restore --source=HEAD -SW -- ${relativeDir}\` in the checkout`,
    },
  );
}

/** Removes untracked (not ignored) files under one directory only. */
export async function removeUntrackedOrThrow(
  git: GitRepo,
  relativeDir: string,
): Promise<void> {
  await runOrThrow(
    git,
    ["clean", "--quiet", "--force", "-d", "--", relativeDir],
    `removing files LiteLLM wrote into ${relativeDir} failed`,
    { hint: `run \`git clean -fd -- ${relativeDir}\` in the checkout` },
  );
}

/** Stashes every change, untracked files included. */
export async function stashAllOrThrow(
  git: GitRepo,
  message: string,
): Promise<void> {
  await runOrThrow(
    git,
    ["stash", "push", "--include-untracked", "--message", message],
    "stashing the local work failed; nothing was switched",
    { hint: "commit or stash the work in the checkout by hand" },
  );
}

/**
 * Switches to a commit with HEAD detached. Git itself refuses, changing
 * nothing, when local changes would be overwritten.
 */
export async function checkoutDetachedOrThrow(
  git: GitRepo,
  commit: string,
): Promise<void> {
  await runOrThrow(
    git,
    ["checkout", "--quiet", ...progressFlag(git), "--detach", commit, "--"],
    `git refused to switch to ${commit.slice(0, 12)}; nothing was switched`,
    { hint: "commit or stash the files listed, or run again with `--force`" },
    true,
  );
}

/** Whether `git apply` would apply the patch (reversed: would undo it). */
export async function canApplyPatch(
  git: GitRepo,
  patchFile: string,
  options: { reverse: boolean },
): Promise<boolean> {
  try {
    await runGit(
      git,
      patchArgs(patchFile, ["--check", ...reverseFlag(options)]),
    );
    return true;
  } catch {
    return false;
  }
}

/** Git's explanation of why a patch does not apply. */
export async function explainPatchFailure(
  git: GitRepo,
  patchFile: string,
): Promise<string> {
  try {
    await runGit(git, patchArgs(patchFile, ["--check", "--verbose"]));
    return "";
  } catch (error) {
    return messageOf(error);
  }
}

export async function applyPatchOrThrow(
  git: GitRepo,
  patchFile: string,
  options: { reverse: boolean },
): Promise<void> {
  const verb = options.reverse ? "undoing" : "applying";
  await runOrThrow(
    git,
    patchArgs(patchFile, reverseFlag(options)),
    `${verb} the patch ${patchFile} failed`,
    { hint: `check the patch with \`git apply --check ${patchFile}\`` },
    true,
  );
}

function patchArgs(patchFile: string, flags: string[]): string[] {
  return ["apply", "--whitespace=nowarn", ...flags, "--", patchFile];
}

function reverseFlag(options: { reverse: boolean }): string[] {
  return options.reverse ? ["--reverse"] : [];
}

async function runOrThrow(
  git: GitRepo,
  args: string[],
  message: string,
  options: { hint: string },
  allDetails = false,
): Promise<string> {
  try {
    return await runGit(git, args);
  } catch (error) {
    const text = messageOf(error);
    throw new UserError(message, {
      cause: error,
      details: selectErrorLines(text, allDetails),
      hint: options.hint,
    });
  }
}

/**
 * Git's own complaint: its `fatal:`/`error:` lines (progress and advice
 * left out), or every line when asked, or else the last one.
 */
function selectErrorLines(text: string, all: boolean): string[] {
  const lines = text
    .split(/[\r\n]+/)
    .map((line) => line.trimEnd())
    .filter(
      (line) => line.trim().length > 0 && !/\d+% \(\d+\/\d+\)/.test(line),
    );
  if (all) return lines;
  const complaints = lines.filter((line) => /^(fatal|error):/.test(line));
  return complaints.length > 0 ? complaints.slice(0, 3) : lines.slice(-1);
}

/** What git said on stderr, or the error's message. */
export function messageOf(error: unknown): string {
  if (error instanceof ExecaError) {
    const stderr = String(error.stderr ?? "").trim();
    return stderr || error.shortMessage;
  }
  return error instanceof Error ? error.message : String(error);
}

function progressFlag(git: GitRepo): string[] {
  return git.onProgress ? ["--progress"] : [];
}

/** Runs one git command; resolves with its stdout, rejects on failure. */
async function runGit(git: GitRepo, args: string[]): Promise<string> {
  const subprocess = execa("git", args, {
    cwd: git.dir,
    // NOTE: git must never wait for a password on the terminal: a remote
    // that needs one, or no network, should fail fast with our message.
    env: { GIT_TERMINAL_PROMPT: "0" },
    stdin: "ignore",
  });
  const { onProgress } = git;
  if (onProgress && args.includes("--progress")) {
    subprocess.stderr.on("data", (chunk: Buffer) => {
      for (const event of parseProgress(chunk.toString("utf8"))) {
        onProgress(event);
      }
    });
  }
  const { stdout } = await subprocess;
  return stdout;
}

/** `Receiving objects:  45% (9/20)` lines, split on git's carriage returns. */
export function parseProgress(text: string): GitProgress[] {
  const events: GitProgress[] = [];
  for (const line of text.split(/[\r\n]+/)) {
    const match = /^(?:remote: )?([A-Za-z][A-Za-z ]*?):\s+(\d+)% /.exec(line);
    if (match?.[1] && match[2]) {
      events.push({ stage: match[1], percent: Number(match[2]) });
    }
  }
  return events;
}
