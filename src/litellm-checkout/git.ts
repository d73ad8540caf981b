import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { simpleGit, type SimpleGit } from "simple-git";
import { UserError } from "../errors.js";

/**
 * A ref is data, never an option: refuse anything git could read as a flag
 * or that is not a valid ref name, before any git command runs.
 */
export function assertSafeRef(ref: string): void {
  const problems =
    ref.length === 0 ||
    ref.startsWith("-") ||
    /[\x00-\x1f\x7f ~^:?*[\\]/.test(ref.replace(/~\d*$|\^\d*$/g, "")) ||
    ref.includes("..") ||
    ref.includes("@{") ||
    ref.endsWith(".lock") ||
    ref.endsWith("/") ||
    ref.endsWith(".");
  if (problems) {
    throw new UserError(`"${printable(ref)}" is not a valid git ref`, {
      hint: "give a tag, branch or commit, such as `tdm-litellm checkout v1.80.10`",
    });
  }
}

function printable(text: string): string {
  return text.replace(
    /[\x00-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

export function gitIn(dir: string): SimpleGit {
  return simpleGit({ baseDir: dir });
}

export async function cloneOrThrow(remote: string, dir: string): Promise<void> {
  mkdirSync(path.dirname(dir), { recursive: true });
  try {
    await simpleGit().clone(remote, dir, [
      "--filter=blob:none",
      "--no-checkout",
    ]);
  } catch (error) {
    throw new UserError(`cloning ${remote} into ${dir} failed`, {
      cause: error,
      details: [firstLine(error)],
      hint: "check `litellm.remote` in tdm-litellm.yaml and the network",
    });
  }
}

export async function tryResolveCommit(
  git: SimpleGit,
  ref: string,
): Promise<string | undefined> {
  try {
    const commit = await git.raw([
      "rev-parse",
      "--verify",
      "--quiet",
      "--end-of-options",
      `${ref}^{commit}`,
    ]);
    return commit.trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function fetchRefOrThrow(
  git: SimpleGit,
  ref: string,
): Promise<void> {
  try {
    await git.raw([
      "fetch",
      "--tags",
      "--filter=blob:none",
      "origin",
      "--end-of-options",
      ref,
    ]);
  } catch (error) {
    throw new UserError(
      `ref ${ref} is not in the local clone, and fetching it failed`,
      {
        cause: error,
        details: [firstLine(error)],
        hint: `run \`tdm-litellm checkout ${ref}\` again with network access, or check the ref's spelling`,
      },
    );
  }
}

export async function listLocalChanges(git: SimpleGit): Promise<string[]> {
  const status = await git.status();
  return status.files.map(
    (file) => `${file.working_dir}${file.index} ${file.path}`,
  );
}

export function isCheckout(dir: string): boolean {
  return existsSync(path.join(dir, ".git"));
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split("\n").at(-1) ?? text;
}
