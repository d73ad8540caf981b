import { existsSync } from "node:fs";
import path from "node:path";
import { simpleGit, type SimpleGit, type SimpleGitProgressEvent } from "simple-git";
import { UserError } from "../errors.js";

/**
 * Git, one small function per git call. Refs reaching this module have been
 * checked by `assertSafeRef`; every call still ends options before a
 * user-supplied value where git allows it.
 */

export { assertSafeRef } from "./ref.js";

export const REMOTE_NAME = "origin";
const PARTIAL_FILTER = "blob:none";

export interface GitProgress {
  stage: string;
  percent: number;
}

/**
 * simple-git refuses some variables when an environment is passed (it
 * cannot tell the user's own from injected ones). This environment is the
 * user's, so those kinds are allowed; the arguments, which never carry a
 * user-supplied option, stay checked (`--upload-pack` among them).
 */
const USER_ENVIRONMENT_ALLOWANCES = {
  allowUnsafeEditor: true,
  allowUnsafePager: true,
  allowUnsafeAskPass: true,
  allowUnsafeSshCommand: true,
  allowUnsafeGitProxy: true,
  allowUnsafeConfigPaths: true,
  allowUnsafeConfigEnvCount: true,
  allowUnsafeTemplateDir: true,
  allowUnsafeDiffExternal: true,
} as const;

export function gitIn(
  dir: string,
  onProgress?: (event: GitProgress) => void,
): SimpleGit {
  const git = simpleGit({
    baseDir: dir,
    unsafe: USER_ENVIRONMENT_ALLOWANCES,
    ...(onProgress && {
      progress: (event: SimpleGitProgressEvent) =>
        onProgress({ stage: event.stage, percent: event.progress }),
    }),
  });
  // NOTE: git must never wait for a password on the terminal: a remote that
  // needs one, or no network, should fail fast with our message.
  return git.env({ ...process.env, GIT_TERMINAL_PROMPT: "0" });
}

export function isCheckout(dir: string): boolean {
  return existsSync(path.join(dir, ".git"));
}

export async function initRepositoryOrThrow(git: SimpleGit): Promise<void> {
  await runOrThrow(git, ["init", "--quiet"], "creating the checkout failed", {
    hint: "check that the parent directory of `litellm.path` is writable",
  });
}

export async function addRemoteOrThrow(
  git: SimpleGit,
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
  git: SimpleGit,
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
  git: SimpleGit,
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
  git: SimpleGit,
  commit: string,
): Promise<void> {
  await fetchOrThrow(git, [commit], commit);
}

/**
 * Fetches every branch and tag. Only for an abbreviated commit id, which
 * no server can be asked for directly.
 */
export async function fetchEverythingOrThrow(
  git: SimpleGit,
  ref: string,
): Promise<void> {
  await fetchOrThrow(
    git,
    [
      `+refs/heads/*:refs/remotes/${REMOTE_NAME}/*`,
      "+refs/tags/*:refs/tags/*",
    ],
    ref,
  );
}

async function fetchOrThrow(
  git: SimpleGit,
  refspecs: string[],
  ref: string,
): Promise<void> {
  await runOrThrow(
    git,
    [
      "fetch",
      "--quiet",
      "--progress",
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
  git: SimpleGit,
  revision: string,
): Promise<string | undefined> {
  try {
    const commit = await git.raw([
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
  git: SimpleGit,
  commit: string,
): Promise<boolean> {
  try {
    await git.raw(["rev-list", "--no-walk", "--missing=print", commit, "--"]);
    return true;
  } catch {
    return false;
  }
}

/** The branch HEAD is on, or undefined when HEAD is detached. */
export async function tryReadBranch(
  git: SimpleGit,
): Promise<string | undefined> {
  try {
    const name = await git.raw(["symbolic-ref", "--quiet", "--short", "HEAD"]);
    return name.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `git status` as raw NUL-separated porcelain v1 entries. */
export async function readStatusOrThrow(git: SimpleGit): Promise<string> {
  return runOrThrow(
    git,
    ["status", "--porcelain=v1", "-z", "--untracked-files=all"],
    "reading the checkout's status failed",
    { hint: "run `git status` in the checkout to see what is wrong" },
  );
}

/** Paths that differ between two commits, with git's A/M/D/T letter. */
export async function readTreeDiffOrThrow(
  git: SimpleGit,
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
  git: SimpleGit,
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
  git: SimpleGit,
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
  git: SimpleGit,
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
  git: SimpleGit,
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
  git: SimpleGit,
  relativeDir: string,
): Promise<void> {
  await runOrThrow(
    git,
    ["restore", "--source=HEAD", "--staged", "--worktree", "--", relativeDir],
    `restoring ${relativeDir} failed`,
    { hint: `run \`git restore --source=HEAD -SW -- ${relativeDir}\` in the checkout` },
  );
}

/** Removes untracked (not ignored) files under one directory only. */
export async function removeUntrackedOrThrow(
  git: SimpleGit,
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
  git: SimpleGit,
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
  git: SimpleGit,
  commit: string,
): Promise<void> {
  await runOrThrow(
    git,
    ["checkout", "--quiet", "--progress", "--detach", commit, "--"],
    `git refused to switch to ${commit.slice(0, 12)}; nothing was switched`,
    { hint: "commit or stash the files listed, or run again with `--force`" },
    true,
  );
}

/** Whether `git apply` would apply the patch (reversed: would undo it). */
export async function canApplyPatch(
  git: SimpleGit,
  patchFile: string,
  options: { reverse: boolean },
): Promise<boolean> {
  try {
    await git.raw(patchArgs(patchFile, ["--check", ...reverseFlag(options)]));
    return true;
  } catch {
    return false;
  }
}

/** Git's explanation of why a patch does not apply. */
export async function explainPatchFailure(
  git: SimpleGit,
  patchFile: string,
): Promise<string> {
  try {
    await git.raw(patchArgs(patchFile, ["--check", "--verbose"]));
    return "";
  } catch (error) {
    return messageOf(error);
  }
}

export async function applyPatchOrThrow(
  git: SimpleGit,
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
  git: SimpleGit,
  args: string[],
  message: string,
  options: { hint: string },
  allDetails = false,
): Promise<string> {
  try {
    return await git.raw(args);
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
    .filter((line) => line.trim().length > 0 && !/\d+% \(\d+\/\d+\)/.test(line));
  if (all) return lines;
  const complaints = lines.filter((line) => /^(fatal|error):/.test(line));
  return complaints.length > 0 ? complaints.slice(0, 3) : lines.slice(-1);
}

export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim();
}
