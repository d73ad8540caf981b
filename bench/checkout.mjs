// Measures `checkout` where it matters day to day: switching the pin between
// two tags that are both already in the local clone (nothing to fetch). The
// origin is built from LiteLLM 1.80.10's real source distribution plus a
// second tagged commit, so the working tree has LiteLLM's real size.
//
// Needs `npm run build` first (it imports from dist/).

import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { unpackedRelease } from "./lib/release.mjs";
import { figure } from "./lib/stats.mjs";

const run = promisify(execFile);

const VERSION = "1.80.10";
const FIRST_TAG = "v1.80.10";
const SECOND_TAG = "v1.80.10-bench.2";
const DEFAULT_RUNS = 7;

const REAL_REMOTE = "https://github.com/BerriAI/litellm.git";
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@example.invalid",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@example.invalid",
  GIT_TERMINAL_PROMPT: "0",
};

/**
 * @param {{ runs?: number }} [options]
 * @returns {Promise<object>} plain figures: milliseconds, counts, bytes
 */
export async function benchCheckout(options = {}) {
  const runs = options.runs ?? DEFAULT_RUNS;
  const { checkoutRef } = await import("../dist/litellm-checkout/index.js");
  const root = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-bench-"));
  try {
    const origin = await buildOrigin(path.join(root, "origin"));
    const checkoutPath = path.join(root, "litellm");
    const remote = `file://${origin.dir}`;
    const checkout = (ref) => checkoutRef({ checkoutPath, remote, ref });

    const cloneStarted = performance.now();
    await checkout(FIRST_TAG);
    const localCloneMs = performance.now() - cloneStarted;
    // The first switch fetches the second tag; later ones fetch nothing.
    const fetchStarted = performance.now();
    const firstSwitch = await checkout(SECOND_TAG);
    const switchWithFetchMs = performance.now() - fetchStarted;
    if (!firstSwitch.fetched) throw new Error("the first switch did not fetch");
    await checkout(FIRST_TAG);

    const timings = [];
    for (let index = 0; index < runs; index += 1) {
      const ref = index % 2 === 0 ? SECOND_TAG : FIRST_TAG;
      const started = performance.now();
      const result = await checkout(ref);
      timings.push(performance.now() - started);
      if (result.fetched) throw new Error(`switch to ${ref} fetched`);
    }
    timings.sort((a, b) => a - b);

    // The same switches with bare git, for the launcher's own share.
    const baseline = [];
    let current = runs % 2 === 1 ? SECOND_TAG : FIRST_TAG;
    for (let index = 0; index < runs; index += 1) {
      const ref = current === FIRST_TAG ? SECOND_TAG : FIRST_TAG;
      current = ref;
      const started = performance.now();
      await run("git", ["-C", checkoutPath, "checkout", "-q", "--detach", ref]);
      baseline.push(performance.now() - started);
    }
    baseline.sort((a, b) => a - b);

    return {
      name: "checkout",
      litellmVersion: VERSION,
      filesInTree: origin.files,
      filesDifferingBetweenTags: origin.changedFiles,
      tagSwitchNoFetch: {
        runs,
        medianMs: round(median(timings)),
        minMs: round(timings[0]),
        maxMs: round(timings.at(-1)),
      },
      bareGitCheckoutMedianMs: round(median(baseline)),
      samples: { tagSwitch: timings, bareGit: baseline },
      tagSwitchWithLocalFetchMs: round(switchWithFetchMs),
      partialCloneFromLocalOriginMs: round(localCloneMs),
      realFirstClone: await measureRealFirstClone(root, checkoutRef),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export default benchCheckout;

let measured;

/** The runner's figures (see bench/README.md): one measurement, shared. */
function measureOnce(ctx) {
  measured ??= benchCheckout({ runs: ctx.runsFor(7, 3) });
  return measured;
}

export async function tagSwitch(ctx) {
  const result = await measureOnce(ctx);
  return [
    figure({
      name: "tag switch without fetching",
      unit: "ms",
      samples: result.samples.tagSwitch,
      comparison: {
        name: "bare git checkout --detach",
        samples: result.samples.bareGit,
      },
      note: `real ${result.litellmVersion} tree, ${result.filesDifferingBetweenTags} files differ between the tags`,
    }),
    figure({
      name: "first switch that fetches the tag (local origin)",
      unit: "ms",
      samples: [result.tagSwitchWithLocalFetchMs],
    }),
  ];
}

export async function firstCloneSize(ctx) {
  const { realFirstClone } = await measureOnce(ctx);
  if (!realFirstClone.measured) {
    return {
      name: "first clone of one pin of the real history: size on disk",
      unit: "MB",
      median: null,
      spread: null,
      runs: 0,
      note: realFirstClone.reason,
    };
  }
  return figure({
    name: "first clone of one pin of the real history: size on disk",
    unit: "MB",
    samples: [realFirstClone.totalBytes / 1e6],
    note: `.git ${Math.round(realFirstClone.gitBytes / 1e6)} MB, ${realFirstClone.ms} ms`,
  });
}

/**
 * A first clone of the real LiteLLM history needs github.com. It is
 * measured only when TDM_LITELLM_BENCH_NETWORK=1 says the network allows
 * it; otherwise the result says why it was not.
 */
async function measureRealFirstClone(root, checkoutRef) {
  if (process.env.TDM_LITELLM_BENCH_NETWORK !== "1") {
    return {
      measured: false,
      reason:
        "needs network access to github.com; set TDM_LITELLM_BENCH_NETWORK=1 where it is reachable",
    };
  }
  const checkoutPath = path.join(root, "real-litellm");
  const started = performance.now();
  try {
    await checkoutRef({ checkoutPath, remote: REAL_REMOTE, ref: FIRST_TAG });
  } catch (error) {
    return { measured: false, reason: `clone failed: ${String(error)}` };
  }
  const ms = performance.now() - started;
  const gitBytes = await diskBytes(path.join(checkoutPath, ".git"));
  const totalBytes = await diskBytes(checkoutPath);
  return {
    measured: true,
    ref: FIRST_TAG,
    ms: round(ms),
    gitBytes,
    totalBytes,
  };
}

async function diskBytes(dir) {
  const { stdout } = await run("du", ["-sk", dir]);
  return Number(stdout.split("\t")[0]) * 1024;
}

async function buildOrigin(dir) {
  const source = await unpackedRelease(VERSION);
  mkdirSync(dir, { recursive: true });
  const git = (...args) => run("git", ["-C", dir, ...args], { env: GIT_ENV });
  await git("init", "--quiet", "--initial-branch=main");
  await git("config", "uploadpack.allowFilter", "true");
  cpSync(source, dir, { recursive: true });
  await git("add", "--all");
  await git("commit", "--quiet", "-m", `Release ${VERSION}`);
  await git("tag", FIRST_TAG);

  // A second release: a version bump and a few dozen changed files.
  const { stdout } = await git("ls-files", "litellm/llms");
  const changed = stdout.split("\n").filter((file) => file.endsWith(".py"));
  const picked = changed.filter((_, index) => index % 25 === 0);
  for (const file of picked) {
    writeFileSync(path.join(dir, file), `# changed for the bench\n`, {
      flag: "a",
    });
  }
  await git("commit", "--quiet", "-am", "Second release");
  await git("tag", SECOND_TAG);
  const { stdout: files } = await git("ls-files");
  return {
    dir,
    files: files.split("\n").length,
    changedFiles: picked.length,
  };
}

function median(sorted) {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchCheckout(), null, 2));
}
