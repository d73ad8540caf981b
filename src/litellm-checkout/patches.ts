import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import {
  applyPatchOrThrow,
  canApplyPatch,
  explainPatchFailure,
  type GitRepo,
} from "./git.js";

export type PatchState = "applied" | "not-applied" | "conflicts" | "missing";

export interface PatchStatus {
  file: string;
  state: PatchState;
}

export interface PatchOutcome {
  file: string;
  /** `already` when it was applied before this checkout. */
  result: "applied" | "already";
}

const MAX_HUNK_LINES = 30;

/**
 * A patch counts as applied when undoing it would succeed. Checked first,
 * so a patch that could also apply a second time is not applied twice.
 */
export async function readPatchState(
  git: GitRepo,
  patchFile: string,
): Promise<PatchState> {
  if (!existsSync(patchFile)) return "missing";
  if (await canApplyPatch(git, patchFile, { reverse: true })) return "applied";
  if (await canApplyPatch(git, patchFile, { reverse: false })) {
    return "not-applied";
  }
  return "conflicts";
}

export async function readPatchStatuses(
  git: GitRepo,
  patchFiles: string[],
): Promise<PatchStatus[]> {
  return Promise.all(
    patchFiles.map(async (file) => ({
      file,
      state: await readPatchState(git, file),
    })),
  );
}

/**
 * Applies the patches in order, skipping those already applied. When one
 * does not apply, undoes the ones this call applied, so the tree is left at
 * the clean commit, and throws with the hunk that failed.
 */
export async function applyPatchesOrThrow(
  git: GitRepo,
  patchFiles: string[],
  context: { ref: string },
): Promise<PatchOutcome[]> {
  const outcomes: PatchOutcome[] = [];
  for (const file of patchFiles) {
    assertPatchReadable(file);
    const state = await readPatchState(git, file);
    if (state === "applied") {
      outcomes.push({ file, result: "already" });
      continue;
    }
    if (state === "conflicts") {
      const explanation = await explainPatchFailure(git, file);
      await undoPatches(git, outcomes);
      throw new UserError(
        `the patch ${path.basename(file)} does not apply to ${context.ref}; the tree is at ${context.ref} without patches`,
        {
          details: describePatchFailure(file, explanation),
          hint: `update ${file} for ${context.ref} or remove it from \`litellm.patches\`, then run \`tdm-litellm checkout ${context.ref}\``,
          exitCode: 1,
        },
      );
    }
    await applyPatchOrThrow(git, file, { reverse: false });
    outcomes.push({ file, result: "applied" });
  }
  return outcomes;
}

/** Undoes patches (the applied ones among them), last first. */
export async function undoPatches(
  git: GitRepo,
  outcomes: { file: string }[],
): Promise<void> {
  for (const outcome of [...outcomes].reverse()) {
    await applyPatchOrThrow(git, outcome.file, { reverse: true });
  }
}

function assertPatchReadable(file: string): void {
  try {
    readFileSync(file);
  } catch {
    throw new UserError(`the patch ${file} cannot be read`, {
      hint: "fix the path in `litellm.patches` (relative to tdm-litellm.yaml)",
    });
  }
}

/** Git's complaint, then the hunk it names, so the user sees what broke. */
export function describePatchFailure(
  patchFile: string,
  explanation: string,
): string[] {
  const complaints = explanation
    .split("\n")
    .filter(
      (line) =>
        line.startsWith("error:") && !line.includes("while searching for"),
    );
  const lines = complaints.length > 0 ? complaints : [explanation];
  const failed = /patch failed: (.+):(\d+)$/m.exec(explanation);
  if (!failed?.[1] || !failed[2]) return lines;

  const hunk = findHunk(
    readFileSync(patchFile, "utf8"),
    failed[1],
    Number(failed[2]),
  );
  if (!hunk) return lines;
  const shown = hunk.slice(0, MAX_HUNK_LINES);
  if (hunk.length > shown.length) {
    shown.push(`… ${hunk.length - shown.length} more lines`);
  }
  return [...lines, "the hunk that failed:", ...shown.map((l) => `  ${l}`)];
}

/** The lines of the hunk for `file` whose old range starts at `line`. */
export function findHunk(
  patch: string,
  file: string,
  line: number,
): string[] | undefined {
  const lines = patch.split("\n");
  let inFile = false;
  let hunk: string[] | undefined;
  for (const text of lines) {
    if (text.startsWith("diff --git ")) {
      if (hunk) return hunk;
      inFile = text.endsWith(` b/${file}`);
      continue;
    }
    if (!hunk && text.startsWith("+++ ")) {
      inFile = text === `+++ b/${file}` || text === `+++ ${file}`;
      continue;
    }
    if (!inFile) continue;
    const header = /^@@ -(\d+)(?:,\d+)? /.exec(text);
    if (header) {
      if (hunk) return hunk;
      if (Number(header[1]) === line) hunk = [text];
      continue;
    }
    if (hunk && /^[ +\\-]/.test(text)) hunk.push(text);
  }
  return hunk;
}
