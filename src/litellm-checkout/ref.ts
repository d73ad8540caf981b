import { UserError } from "../errors.js";

/** Git's own limit on a path component is far above this; refs are short. */
const MAX_REF_LENGTH = 255;

/** A trailing `~`, `~3`, `^`, `^2` or a chain of them. */
const REVISION_SUFFIX = /(?:[~^]\d*)+$/;

const FULL_COMMIT = /^[0-9a-f]{40}$/;
const SHORT_COMMIT = /^[0-9a-f]{4,39}$/;

/**
 * A ref is data, never an option: refuse anything git could read as a flag
 * or that is not a valid ref name (with an optional `~n`/`^n` suffix), before
 * any git command runs. The rules follow `git check-ref-format`.
 */
export function assertSafeRef(ref: string): void {
  const problem = findRefProblem(ref);
  if (problem === undefined) return;
  throw new UserError(`"${toPrintable(ref)}" is not a valid git ref`, {
    details: [problem],
    hint: "give a tag, branch or commit, such as `tdm-litellm checkout v1.80.10`",
  });
}

/** Why a ref is refused, or undefined when it is acceptable. */
export function findRefProblem(ref: string): string | undefined {
  if (ref.length === 0) return "it is empty";
  if (ref.length > MAX_REF_LENGTH) return "it is too long";
  if (ref.startsWith("-")) return "it starts with `-`, like an option";
  if (/[\x00-\x20\x7f]/.test(ref)) {
    return "it contains a space or a control character";
  }
  const { base } = splitRevisionSuffix(ref);
  if (base.length === 0) return "it has no name before `~` or `^`";
  if (/[~^:?*[\\]/.test(base)) {
    return "it contains one of ~ ^ : ? * [ \\ outside a trailing ~n or ^n";
  }
  if (base.includes("..")) return "it contains `..`";
  if (base.includes("@{") || base === "@") return "it contains `@{` or is `@`";
  if (base.includes("//")) return "it contains `//`";
  if (base.startsWith("/") || base.endsWith("/")) {
    return "it starts or ends with `/`";
  }
  if (base.endsWith(".")) return "it ends with `.`";
  const components = base.split("/");
  if (components.some((part) => part.startsWith("."))) {
    return "a part of it starts with `.`";
  }
  if (components.some((part) => part.endsWith(".lock"))) {
    return "a part of it ends with `.lock`";
  }
  return undefined;
}

/** `v1.2~3^2` is `{ base: "v1.2", suffix: "~3^2" }`. */
export function splitRevisionSuffix(ref: string): {
  base: string;
  suffix: string;
} {
  const match = REVISION_SUFFIX.exec(ref);
  if (!match) return { base: ref, suffix: "" };
  return { base: ref.slice(0, match.index), suffix: match[0] };
}

export function isFullCommitId(ref: string): boolean {
  return FULL_COMMIT.test(ref);
}

/** Could be an abbreviated commit id (it could also be a name). */
export function looksLikeShortCommit(ref: string): boolean {
  return SHORT_COMMIT.test(ref);
}

/** The text with control characters shown as `\xNN`. */
export function toPrintable(text: string): string {
  return text.replace(
    /[\x00-\x1f\x7f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}
