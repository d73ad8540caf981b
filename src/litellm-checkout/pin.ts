import path from "node:path";
import { UserError } from "../errors.js";
import {
  countDivergenceOrThrow,
  countLocalCommitsOrThrow,
  gitIn,
  hasCommitLocally,
  isCheckout,
  readStatusOrThrow,
  tryReadBranch,
  tryResolveCommit,
} from "./git.js";
import { isUiOutputPath, parseStatus } from "./local-work.js";
import { isFullCommitId } from "./ref.js";
import { readPatchStatuses, type PatchStatus } from "./patches.js";

export interface PinReport {
  checkoutPath: string;
  /** Whether the checkout exists at all. */
  present: boolean;
  head: string | undefined;
  /** The branch HEAD is on; undefined when detached (the usual state). */
  branch: string | undefined;
  pinnedCommit: string | undefined;
  /** Whether the pinned commit is in the local clone. */
  pinInClone: boolean;
  atPin: boolean;
  /** Commits on HEAD that the pin lacks and no tag or remote has. */
  localCommits: number;
  /** Commits on HEAD that the pin lacks but a tag or remote branch has. */
  upstreamCommits: number;
  /** Commits of the pin that HEAD lacks (HEAD is elsewhere). */
  missingPinCommits: number;
  patches: PatchStatus[];
  /** Changed and untracked files, without LiteLLM's own UI bundle changes. */
  dirtyFiles: string[];
  /** Whether LiteLLM rewrote its UI bundle in the tree (never local work). */
  uiOutputChanged: boolean;
}

/**
 * Where the checkout stands against the pin. Reads only: it never changes
 * the tree (a running proxy may be serving the UI bundle from it).
 */
export async function inspectPin(options: {
  checkoutPath: string;
  pinnedCommit: string | undefined;
  patchPaths: string[];
}): Promise<PinReport> {
  const { checkoutPath, pinnedCommit, patchPaths } = options;
  if (pinnedCommit !== undefined && !isFullCommitId(pinnedCommit)) {
    throw new UserError(
      `the recorded commit "${pinnedCommit}" is not a commit id`,
      {
        hint: "run `tdm-litellm checkout <ref>` to record the pin again",
      },
    );
  }
  const empty: PinReport = {
    checkoutPath,
    present: false,
    head: undefined,
    branch: undefined,
    pinnedCommit,
    pinInClone: false,
    atPin: false,
    localCommits: 0,
    upstreamCommits: 0,
    missingPinCommits: 0,
    patches: [],
    dirtyFiles: [],
    uiOutputChanged: false,
  };
  if (!isCheckout(checkoutPath)) return empty;

  const git = gitIn(checkoutPath);
  // The questions are independent and git answers them read-only, so they
  // run at once: `up` waits for the slowest, not for their sum.
  const [head, branch, pinInClone, status, patches] = await Promise.all([
    tryResolveCommit(git, "HEAD"),
    tryReadBranch(git),
    pinnedCommit === undefined ? false : hasCommitLocally(git, pinnedCommit),
    readStatusOrThrow(git),
    readPatchStatuses(git, patchPaths),
  ]);
  const divergence =
    head && pinnedCommit && pinInClone && head !== pinnedCommit
      ? await countDivergenceOrThrow(git, pinnedCommit, head)
      : { behind: 0, ahead: 0 };
  const localCommits =
    divergence.ahead > 0 && pinnedCommit
      ? await countLocalCommitsOrThrow(git, pinnedCommit)
      : 0;
  const entries = parseStatus(status);
  return {
    ...empty,
    present: true,
    head,
    branch,
    pinInClone,
    atPin: head !== undefined && head === pinnedCommit,
    localCommits,
    upstreamCommits: divergence.ahead - localCommits,
    missingPinCommits: divergence.behind,
    patches,
    dirtyFiles: entries
      .filter((entry) => !isUiOutputPath(entry.path))
      .map((entry) => entry.path),
    uiOutputChanged: entries.some((entry) => isUiOutputPath(entry.path)),
  };
}

export interface PinVerdict {
  report: PinReport;
  /** The checkout's HEAD: the pin, or the pin with local commits on top. */
  head: string;
  /** What differs from the bare pin but is allowed, one line each. */
  notes: string[];
}

/**
 * For `up`: refuses unless HEAD is the pinned commit or has only local
 * commits on top of it. Patches and uncommitted changes are reported, not
 * refused: they are the user's own work on the pin.
 */
export async function verifyPinOrThrow(options: {
  checkoutPath: string;
  pinnedRef: string | undefined;
  pinnedCommit: string | undefined;
  patchPaths: string[];
}): Promise<PinVerdict> {
  const { checkoutPath, pinnedRef, pinnedCommit } = options;
  if (!pinnedCommit) {
    throw new UserError("no pinned commit recorded in tdm-litellm.yaml", {
      hint: pinnedRef
        ? `run \`tdm-litellm checkout ${pinnedRef}\` to check it out and record its commit`
        : "run `tdm-litellm checkout <tag>`, such as `tdm-litellm checkout v1.80.10`",
    });
  }
  const report = await inspectPin(options);
  const pin = describePin(pinnedRef, pinnedCommit);
  if (!report.present || !report.head) {
    throw new UserError(`there is no LiteLLM checkout at ${checkoutPath}`, {
      hint: "run `tdm-litellm checkout` to clone it at the pin",
    });
  }
  if (!report.pinInClone) {
    throw new UserError(`the pinned commit ${pin} is not in the checkout`, {
      hint: "run `tdm-litellm checkout` to fetch it and check it out",
    });
  }
  if (report.missingPinCommits > 0 || report.upstreamCommits > 0) {
    throw new UserError(
      `the checkout is at ${report.head.slice(0, 12)}, not at the pin ${pin}`,
      {
        details: [
          `HEAD lacks ${report.missingPinCommits} commit(s) of the pin, has ${report.upstreamCommits} published commit(s) the pin lacks and ${report.localCommits} local one(s)`,
        ],
        hint: [
          "run `tdm-litellm checkout` to return to the pin,",
          `or \`tdm-litellm checkout ${report.head.slice(0, 12)}\` to pin what is checked out`,
        ].join("\n"),
      },
    );
  }
  return { report, head: report.head, notes: describeDifferences(report) };
}

function describeDifferences(report: PinReport): string[] {
  const notes: string[] = [];
  if (report.localCommits > 0) {
    notes.push(`${report.localCommits} local commit(s) on top of the pin`);
  }
  for (const patch of report.patches) {
    const name = path.basename(patch.file);
    if (patch.state === "applied") notes.push(`patch ${name} applied`);
    else if (patch.state === "missing") {
      notes.push(`patch ${name} is missing: ${patch.file}`);
    } else {
      notes.push(
        `patch ${name} is not applied; \`tdm-litellm checkout\` applies it`,
      );
    }
  }
  if (report.dirtyFiles.length > 0) {
    notes.push(`${report.dirtyFiles.length} file(s) changed or untracked`);
  }
  return notes;
}

function describePin(ref: string | undefined, commit: string): string {
  return ref ? `${ref} (${commit.slice(0, 12)})` : commit.slice(0, 12);
}
