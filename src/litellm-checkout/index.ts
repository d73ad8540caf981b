import { randomBytes } from "node:crypto";
import {
  existsSync,
  readdirSync,
  renameSync,
  rmSync,
  mkdirSync,
} from "node:fs";
import { UserError } from "../errors.js";
import {
  addRemoteOrThrow,
  checkoutDetachedOrThrow,
  createBranchOrThrow,
  fetchCommitOrThrow,
  fetchEverythingOrThrow,
  fetchRemoteRefOrThrow,
  gitIn,
  hasCommitLocally,
  initRepositoryOrThrow,
  isCheckout,
  listRemoteRefsOrThrow,
  listUnsavedCommitsOrThrow,
  REMOTE_NAME,
  stashAllOrThrow,
  tryReadBranch,
  tryResolveCommit,
  type GitProgress,
  type GitRepo,
} from "./git.js";
import {
  findObstacles,
  hasObstacles,
  readAllStatusEntries,
  restoreUiOutput,
  toLocalWork,
  type LocalWork,
  type Obstacles,
  withoutUiOutput,
} from "./local-work.js";
import {
  applyPatchesOrThrow,
  readPatchStatuses,
  undoPatches,
  type PatchOutcome,
} from "./patches.js";
import {
  assertSafeRef,
  isFullCommitId,
  looksLikeShortCommit,
  splitRevisionSuffix,
} from "./ref.js";

export { assertSafeRef } from "./ref.js";
export type { GitProgress } from "./git.js";
export {
  inspectPin,
  verifyPinOrThrow,
  type PinReport,
  type PinVerdict,
} from "./pin.js";
export { UI_OUTPUT_DIR } from "./local-work.js";
export type { PatchOutcome, PatchState, PatchStatus } from "./patches.js";
export type { LocalWork } from "./local-work.js";

export interface CheckoutOptions {
  checkoutPath: string;
  remote: string;
  /** The ref as the user typed it. */
  ref: string;
  /** The commit to check out when known (returning to the recorded pin). */
  commit?: string | undefined;
  /** The pin before this checkout, so its own commit never counts as local. */
  previousCommit?: string | undefined;
  /** Absolute paths, applied in order after the switch. */
  patchPaths?: string[];
  /** Stash local work that is in the way instead of refusing. */
  force?: boolean;
  onProgress?: (event: GitProgress) => void;
}

export interface StashRecord {
  /** Its name at the time it was made, such as `stash@{0}`. */
  name: string;
  message: string;
  commit: string;
}

export interface CheckoutResult {
  ref: string;
  commit: string;
  /** HEAD before the switch; undefined after a first clone. */
  previousHead: string | undefined;
  cloned: boolean;
  fetched: boolean;
  /** Local work that came along unchanged. */
  carried: LocalWork;
  /** Set when `--force` stashed work that was in the way. */
  stash: StashRecord | undefined;
  /** A branch made for local commits on a detached HEAD. */
  savedBranch: { name: string; commits: number } | undefined;
  /** Whether LiteLLM's own changes to its UI bundle were put back. */
  uiRestored: boolean;
  patches: PatchOutcome[];
}

/**
 * Clones when absent, fetches what the ref needs, switches to it with HEAD
 * detached without losing local work, and applies the patches.
 */
export async function checkoutRef(
  options: CheckoutOptions,
): Promise<CheckoutResult> {
  assertSafeRef(options.ref);
  assertCommitIdOrUndefined(options.commit);
  assertCommitIdOrUndefined(options.previousCommit);
  if (!isCheckout(options.checkoutPath)) return cloneAndCheckout(options);
  return switchCheckout(options);
}

/** A recorded commit goes into git's argv too: only a full id passes. */
export function assertCommitIdOrUndefined(commit: string | undefined): void {
  if (commit === undefined || isFullCommitId(commit)) return;
  throw new UserError(`the recorded commit "${commit}" is not a commit id`, {
    hint: "remove `litellm.commit` from tdm-litellm.yaml and run `tdm-litellm checkout <ref>`",
  });
}

async function cloneAndCheckout(
  options: CheckoutOptions,
): Promise<CheckoutResult> {
  const { checkoutPath, remote, onProgress } = options;
  assertEmptyOrAbsent(checkoutPath);
  // Built beside its final place and renamed when complete, so a failed
  // first clone (no network) leaves nothing that looks like a checkout.
  const staging = `${checkoutPath}.partial-${randomBytes(4).toString("hex")}`;
  mkdirSync(staging, { recursive: true });
  try {
    const git = gitIn(staging, onProgress);
    await initRepositoryOrThrow(git);
    await addRemoteOrThrow(git, remote);
    const target = await resolveOrFetchOrThrow(git, options);
    await checkoutDetachedOrThrow(git, target.commit);
    const patches = await applyPatchesOrThrow(git, options.patchPaths ?? [], {
      ref: options.ref,
    }).catch((error: unknown) => {
      finishClone(staging, checkoutPath);
      throw error;
    });
    finishClone(staging, checkoutPath);
    return {
      ref: options.ref,
      commit: target.commit,
      previousHead: undefined,
      cloned: true,
      fetched: target.fetched,
      carried: { changed: [], untracked: [] },
      stash: undefined,
      savedBranch: undefined,
      uiRestored: false,
      patches,
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function finishClone(staging: string, checkoutPath: string): void {
  rmSync(checkoutPath, { recursive: true, force: true });
  renameSync(staging, checkoutPath);
}

function assertEmptyOrAbsent(dir: string): void {
  if (!existsSync(dir) || readdirSync(dir).length === 0) return;
  throw new UserError(`${dir} exists and is not a git checkout`, {
    hint: "point `litellm.path` in tdm-litellm.yaml at an empty or absent directory, or at a LiteLLM clone",
  });
}

async function switchCheckout(
  options: CheckoutOptions,
): Promise<CheckoutResult> {
  const { checkoutPath, ref } = options;
  const git = gitIn(checkoutPath, options.onProgress);
  const previousHead = await tryResolveCommit(git, "HEAD");
  const target = await resolveOrFetchOrThrow(git, options);
  const patchPaths = options.patchPaths ?? [];

  if (previousHead === target.commit) {
    const entries = await readAllStatusEntries(git);
    const uiRestored = await restoreUiOutput(git, entries);
    const patches = await applyPatchesOrThrow(git, patchPaths, { ref });
    return {
      ref,
      commit: target.commit,
      previousHead,
      cloned: false,
      fetched: target.fetched,
      carried: toLocalWork(withoutUiOutput(entries)),
      stash: undefined,
      savedBranch: undefined,
      uiRestored,
      patches,
    };
  }

  // Our patches come off first, so only the user's own work is judged.
  const applied = (await readPatchStatuses(git, patchPaths)).filter(
    (status) => status.state === "applied",
  );
  await undoPatches(git, applied);
  const restorePatches = () =>
    applyPatchesOrThrow(
      git,
      applied.map((status) => status.file),
      { ref },
    );

  let stash: StashRecord | undefined;
  let work: LocalWork;
  let uiRestored = false;
  try {
    const entries = await readAllStatusEntries(git);
    uiRestored = await restoreUiOutput(git, entries);
    work = toLocalWork(withoutUiOutput(entries));
    const obstacles = previousHead
      ? await findObstacles(git, {
          checkoutPath,
          head: previousHead,
          target: target.commit,
          work,
        })
      : { conflicting: [], untrackedInTheWay: [], ignoredInTheWay: [] };
    if (hasObstacles(obstacles)) {
      if (!options.force || obstacles.ignoredInTheWay.length > 0) {
        throw refuseSwitch(options, obstacles);
      }
      stash = await stashWork(git, ref);
      work = { changed: [], untracked: [] };
    }
  } catch (error) {
    await restorePatches();
    throw error;
  }

  const savedBranch =
    previousHead === options.previousCommit
      ? undefined
      : await saveUnsavedCommits(git, options.previousCommit);
  try {
    await checkoutDetachedOrThrow(git, target.commit);
  } catch (error) {
    if (!stash) await restorePatches();
    else if (error instanceof UserError) {
      error.details.push(
        `the local work is safe in the stash "${stash.message}" (${stash.commit})`,
      );
    }
    throw error;
  }
  const patches = await applyPatchesOrThrow(git, patchPaths, { ref });
  return {
    ref,
    commit: target.commit,
    previousHead,
    cloned: false,
    fetched: target.fetched,
    carried: work,
    stash,
    savedBranch,
    uiRestored,
    patches,
  };
}

function refuseSwitch(options: CheckoutOptions, obstacles: Obstacles): Error {
  const { ref, checkoutPath } = options;
  const details = [
    ...obstacles.conflicting.map(
      (file) => `changed here and in ${ref}: ${file}`,
    ),
    ...obstacles.untrackedInTheWay.map(
      (file) => `untracked here, tracked in ${ref}: ${file}`,
    ),
    ...obstacles.ignoredInTheWay.map(
      (file) => `ignored here, tracked in ${ref}: ${file}`,
    ),
  ];
  if (obstacles.ignoredInTheWay.length > 0) {
    return new UserError(
      `ignored files in ${checkoutPath} are in the way of ${ref}; nothing was changed`,
      {
        details,
        hint: "move those files out of the checkout (git would overwrite them, and a stash does not keep ignored files), then run the checkout again",
      },
    );
  }
  const stashName = stashMessageFor(ref);
  return new UserError(
    `local work in ${checkoutPath} is in the way of ${ref}; nothing was changed`,
    {
      details,
      hint: [
        "keep the work in one of these ways, then run the checkout again:",
        `  commit it: \`git -C ${checkoutPath} commit -am "..."\` (new files need \`git add\`)`,
        `  stash it: \`git -C ${checkoutPath} stash push --include-untracked -m "${stashName}"\``,
        `  or let tdm-litellm stash it: \`tdm-litellm checkout ${ref} --force\``,
      ].join("\n"),
    },
  );
}

function stashMessageFor(ref: string): string {
  return `tdm-litellm: local work before checkout ${ref}`;
}

async function stashWork(git: GitRepo, ref: string): Promise<StashRecord> {
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const message = `${stashMessageFor(ref)} (${stamp})`;
  await stashAllOrThrow(git, message);
  const commit = await tryResolveCommit(git, "refs/stash");
  if (!commit) {
    throw new UserError("the stash of the local work cannot be found", {
      hint: "run `git stash list` in the checkout; nothing was switched",
    });
  }
  return { name: "stash@{0}", message, commit };
}

/**
 * Commits on a detached HEAD that no branch, tag or remote keeps would be
 * hard to find after a switch: they get a branch first.
 */
async function saveUnsavedCommits(
  git: GitRepo,
  previousCommit: string | undefined,
): Promise<CheckoutResult["savedBranch"]> {
  if (await tryReadBranch(git)) return undefined;
  const keep = previousCommit ? [previousCommit] : [];
  const commits = await listUnsavedCommitsOrThrow(git, keep);
  const head = commits[0];
  if (!head) return undefined;
  const name = `tdm-litellm/saved-${head.slice(0, 12)}`;
  if ((await tryResolveCommit(git, `refs/heads/${name}`)) !== head) {
    await createBranchOrThrow(git, name, head);
  }
  return { name, commits: commits.length };
}

interface Target {
  commit: string;
  fetched: boolean;
}

/**
 * The ref's commit, from the local clone when it is there, else fetched:
 * a tag or branch by name, a full commit id directly, an abbreviated one by
 * fetching every branch and tag (no server resolves those).
 */
async function resolveOrFetchOrThrow(
  git: GitRepo,
  options: CheckoutOptions,
): Promise<Target> {
  const { ref } = options;
  const wanted = options.commit ?? ref;
  const local = await tryResolveLocally(git, wanted);
  if (local) return { commit: local, fetched: false };

  const { base } = splitRevisionSuffix(wanted);
  if (isFullCommitId(base)) {
    await fetchCommitOrThrow(git, base);
  } else {
    const remoteRefs = await listRemoteRefsOrThrow(git, base);
    const preferred =
      remoteRefs.find((remoteRef) => remoteRef.kind === "tag") ?? remoteRefs[0];
    if (preferred) await fetchRemoteRefOrThrow(git, preferred);
    else if (looksLikeShortCommit(base)) {
      await fetchEverythingOrThrow(git, ref);
    } else throw unknownRef(options);
  }
  const fetched = await tryResolveLocally(git, wanted);
  if (!fetched) throw unknownRef(options);
  return { commit: fetched, fetched: true };
}

/** Tags first, then the remote's branch, then anything git resolves. */
async function tryResolveLocally(
  git: GitRepo,
  ref: string,
): Promise<string | undefined> {
  const { base, suffix } = splitRevisionSuffix(ref);
  if (isFullCommitId(base) && !(await hasCommitLocally(git, base))) {
    return undefined;
  }
  if (!isFullCommitId(base) && base !== "HEAD") {
    for (const prefix of ["refs/tags/", `refs/remotes/${REMOTE_NAME}/`]) {
      const commit = await tryResolveCommit(git, `${prefix}${base}${suffix}`);
      if (commit) return commit;
    }
  }
  return tryResolveCommit(git, ref);
}

function unknownRef(options: CheckoutOptions): UserError {
  return new UserError(
    `ref ${options.ref} does not exist in ${options.remote}`,
    {
      hint: `check the tag, branch or commit; \`git ls-remote --tags ${options.remote}\` lists the tags`,
    },
  );
}

/** The checkout's HEAD commit, or undefined when it is not a checkout. */
export async function tryReadHead(
  checkoutPath: string,
): Promise<string | undefined> {
  if (!isCheckout(checkoutPath)) return undefined;
  return tryResolveCommit(gitIn(checkoutPath), "HEAD");
}
