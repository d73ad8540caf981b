import { execa } from "execa";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import {
  checkoutRef,
  inspectPin,
  UI_OUTPUT_DIR,
} from "../../src/litellm-checkout/index.js";
import {
  makeTempDir,
  runGit,
  useGitTestIdentity,
} from "../support/git-origin.js";
import {
  litellmOrigin,
  POETRY_ERA_TAG,
  POETRY_ERA_VERSION,
  readReleaseFile,
} from "../support/litellm-release.js";

beforeAll(() => useGitTestIdentity());

const NEXT_TAG = `${POETRY_ERA_TAG}-next`;
/** A partial clone of the real release packs ~45 MB on a shared machine. */
const REAL_RELEASE_TIMEOUT_MS = 240_000;

/**
 * The function LiteLLM 1.80.10 runs at every proxy start, taken verbatim
 * from the release's `proxy_server.py`, so the test moves files exactly as
 * the real proxy does.
 */
async function readRestructureFunction(): Promise<string> {
  const source = await readReleaseFile(
    POETRY_ERA_VERSION,
    "litellm/proxy/proxy_server.py",
  );
  const start = source.indexOf("    def _restructure_ui_html_files(");
  const end = source.indexOf("    # Handle HTML file restructuring", start);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  expect(source).toContain(
    'ui_path = os.path.join(current_dir, "_experimental", "out")',
  );
  return source
    .slice(start, end)
    .split("\n")
    .map((line) => line.replace(/^ {4}/, ""))
    .join("\n");
}

it(
  "keeps LiteLLM 1.80.10's UI restructuring out of local work and switches",
  async () => {
    const release = await litellmOrigin([
      { version: POETRY_ERA_VERSION, tag: POETRY_ERA_TAG },
    ]);
    // An origin with a second release that changes a page of the bundle.
    const originDir = path.join(makeTempDir(), "origin");
    await execa("git", [
      "clone",
      "--quiet",
      "--shared",
      release.dir,
      originDir,
    ]);
    await runGit(originDir, "config", "uploadpack.allowFilter", "true");
    appendFileSync(
      path.join(originDir, UI_OUTPUT_DIR, "login.html"),
      "<!-- next -->\n",
    );
    await runGit(originDir, "commit", "--quiet", "-am", "Next release");
    await runGit(originDir, "tag", NEXT_TAG);

    const checkoutPath = path.join(makeTempDir(), "litellm");
    const remote = `file://${originDir}`;
    await checkoutRef({ checkoutPath, remote, ref: POETRY_ERA_TAG });

    // What the proxy does when it starts from this checkout.
    const uiRoot = path.join(checkoutPath, UI_OUTPUT_DIR);
    const restructure = await readRestructureFunction();
    await execa("python3", [
      "-c",
      `import os\n${restructure}\n_restructure_ui_html_files(${JSON.stringify(uiRoot)})`,
    ]);
    expect(existsSync(path.join(uiRoot, "login", "index.html"))).toBe(true);
    expect(existsSync(path.join(uiRoot, "login.html"))).toBe(false);
    expect(await runGit(checkoutPath, "status", "--porcelain")).not.toBe("");

    const report = await inspectPin({
      checkoutPath,
      pinnedCommit: release.tags[POETRY_ERA_TAG],
      patchPaths: [],
    });
    expect(report).toMatchObject({
      atPin: true,
      dirtyFiles: [],
      uiOutputChanged: true,
    });

    const result = await checkoutRef({ checkoutPath, remote, ref: NEXT_TAG });

    expect(result.uiRestored).toBe(true);
    expect(result.carried).toEqual({ changed: [], untracked: [] });
    expect(await runGit(checkoutPath, "status", "--porcelain")).toBe("");
    expect(readFileSync(path.join(uiRoot, "login.html"), "utf8")).toMatch(
      /<!-- next -->\n$/,
    );
    expect(existsSync(path.join(uiRoot, "login"))).toBe(false);
  },
  REAL_RELEASE_TIMEOUT_MS,
);
