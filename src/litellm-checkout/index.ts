import { UserError } from "../errors.js";
import {
  assertSafeRef,
  cloneOrThrow,
  fetchRefOrThrow,
  gitIn,
  isCheckout,
  listLocalChanges,
  tryResolveCommit,
} from "./git.js";

export { assertSafeRef } from "./git.js";

export interface CheckoutResult {
  ref: string;
  commit: string;
  cloned: boolean;
  fetched: boolean;
}

/**
 * Clones when absent, fetches when the ref is missing, and checks the ref
 * out. First version: refuses a tree with local changes.
 */
export async function checkoutRef(options: {
  checkoutPath: string;
  remote: string;
  ref: string;
}): Promise<CheckoutResult> {
  const { checkoutPath, remote, ref } = options;
  assertSafeRef(ref);
  let cloned = false;
  if (!isCheckout(checkoutPath)) {
    await cloneOrThrow(remote, checkoutPath);
    cloned = true;
  }
  const git = gitIn(checkoutPath);
  let fetched = false;
  let commit = await tryResolveCommit(git, ref);
  if (!commit) {
    await fetchRefOrThrow(git, ref);
    fetched = true;
    commit = await tryResolveCommit(git, ref);
  }
  if (!commit) {
    throw new UserError(`ref ${ref} does not exist in ${remote}`, {
      hint: "check the tag, branch or commit; `git ls-remote --tags <remote>` lists the tags",
    });
  }
  if (!cloned) {
    const changes = await listLocalChanges(git);
    if (changes.length > 0) {
      throw new UserError(
        `${checkoutPath} has local changes; nothing was switched`,
        {
          details: changes,
          hint: "commit or stash them in the LiteLLM checkout, then run the checkout again",
        },
      );
    }
  }
  await git.raw(["checkout", "--quiet", "--detach", commit]);
  return { ref, commit, cloned, fetched };
}

/** The checkout's HEAD commit, or undefined when it is not a checkout. */
export async function tryReadHead(
  checkoutPath: string,
): Promise<string | undefined> {
  if (!isCheckout(checkoutPath)) return undefined;
  return tryResolveCommit(gitIn(checkoutPath), "HEAD");
}
