import chalk from "chalk";
import path from "node:path";
import type { GlobalOptions } from "../cli.js";
import { UserError } from "../errors.js";
import {
  checkoutRef,
  type CheckoutResult,
  type GitProgress,
} from "../litellm-checkout/index.js";
import type { Logger } from "../output/logger.js";
import { updateSectionValuesInFile } from "../wrapper-config/write.js";
import { loadContext } from "./context.js";

export interface CheckoutCommandOptions extends GlobalOptions {
  ref: string | undefined;
  force?: boolean;
}

const MAX_LISTED_FILES = 10;

export async function runCheckout(
  options: CheckoutCommandOptions,
): Promise<void> {
  const { wrapper, logger } = await loadContext(options);
  const pinned = wrapper.data.litellm;
  const ref = options.ref ?? pinned.ref;
  if (!ref) {
    throw new UserError("no ref given and no pin recorded", {
      hint: "run `tdm-litellm checkout <tag>`, such as `tdm-litellm checkout v1.80.10`",
    });
  }
  // With no ref, return to the recorded commit, not wherever the ref moved.
  const commit = options.ref === undefined ? pinned.commit : undefined;

  const title = `checking out ${ref} in ${wrapper.checkoutPath}`;
  const renderProgress = createProgressRenderer(process.stderr, title);
  const step = logger.step(title);
  const result = await checkoutRef({
    checkoutPath: wrapper.checkoutPath,
    remote: pinned.remote,
    ref,
    commit,
    previousCommit: pinned.commit,
    patchPaths: wrapper.patchPaths,
    force: options.force === true,
    onProgress: renderProgress,
  }).catch((error: unknown) => {
    step.fail();
    throw error;
  });
  step.done(summarize(result));
  reportResult(logger, result, wrapper.checkoutPath);

  updateSectionValuesInFile(wrapper.file, "litellm", {
    ref: result.ref,
    commit: result.commit,
  });
  logger.info(
    `pinned ${chalk.bold(result.ref)} (${result.commit.slice(0, 12)}) in ${wrapper.file}`,
  );
}

function summarize(result: CheckoutResult): string {
  return [
    result.cloned && "cloned (partial, blobs on demand)",
    result.fetched && "fetched",
    result.commit.slice(0, 12),
  ]
    .filter(Boolean)
    .join(", ");
}

function reportResult(
  logger: Logger,
  result: CheckoutResult,
  checkoutPath: string,
): void {
  if (result.savedBranch) {
    logger.info(
      `kept ${result.savedBranch.commits} local commit(s) of the detached HEAD on the branch ${chalk.bold(result.savedBranch.name)}`,
    );
  }
  if (result.stash) {
    logger.info(
      `stashed the local work in the way as ${chalk.bold(result.stash.name)} "${result.stash.message}" (${result.stash.commit.slice(0, 12)})`,
    );
    logger.info(
      `get it back with ${chalk.bold(`git -C ${checkoutPath} stash apply ${result.stash.commit}`)}`,
    );
  }
  const carried = [...result.carried.changed, ...result.carried.untracked];
  if (carried.length > 0 && result.previousHead !== result.commit) {
    logger.info(`carried ${carried.length} local file(s) across the switch:`);
    for (const file of carried.slice(0, MAX_LISTED_FILES)) {
      logger.info(`  ${file}`);
    }
    if (carried.length > MAX_LISTED_FILES) {
      logger.info(`  … and ${carried.length - MAX_LISTED_FILES} more`);
    }
  }
  if (result.uiRestored) {
    logger.verbose(
      "put back the UI bundle files LiteLLM rewrites at start (not local work)",
    );
  }
  for (const patch of result.patches) {
    const name = path.basename(patch.file);
    logger.info(
      patch.result === "applied"
        ? `applied patch ${name}`
        : `patch ${name} was already applied`,
    );
  }
}

/**
 * Git's transfer progress: one line redrawn in place on a terminal; on
 * anything else, one plain line when a stage begins.
 */
export function createProgressRenderer(
  stream: NodeJS.WriteStream,
  title: string,
): (event: GitProgress) => void {
  const live = stream.isTTY === true;
  let shown: string | undefined;
  return (event) => {
    const stage = event.stage.toLowerCase();
    if (live) {
      stream.write(`\r\x1b[2K… ${title}: ${stage} ${event.percent}%`);
    } else if (stage !== shown) {
      stream.write(`  git: ${stage}\n`);
    }
    shown = stage;
  };
}
