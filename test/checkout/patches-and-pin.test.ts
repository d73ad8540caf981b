import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import {
  checkoutRef,
  inspectPin,
  verifyPinOrThrow,
} from "../../src/litellm-checkout/index.js";
import {
  makeGitOrigin,
  makeTempDir,
  runGit,
  UI_DIR,
  useGitTestIdentity,
} from "../support/git-origin.js";

beforeAll(() => useGitTestIdentity());

const SHARED_PATCH = [
  "diff --git a/litellm/shared.py b/litellm/shared.py",
  "--- a/litellm/shared.py",
  "+++ b/litellm/shared.py",
  "@@ -1,2 +1,3 @@",
  " def shared():",
  "-    return 1",
  "+    return 42",
  "+# patched",
  "",
].join("\n");

/** Applies to v1.0.0 only: later releases changed the line. */
const VERSION_PATCH = [
  "diff --git a/litellm/__init__.py b/litellm/__init__.py",
  "--- a/litellm/__init__.py",
  "+++ b/litellm/__init__.py",
  "@@ -1 +1 @@",
  "-version = '1.0.0'",
  "+version = '1.0.0+local'",
  "",
].join("\n");

async function makePatchedFixture() {
  const origin = await makeGitOrigin();
  const project = makeTempDir();
  const checkoutPath = path.join(project, "litellm");
  const sharedPatch = path.join(project, "patches", "01-shared.patch");
  const versionPatch = path.join(project, "patches", "02-version.patch");
  mkdirSync(path.dirname(sharedPatch));
  writeFileSync(sharedPatch, SHARED_PATCH);
  writeFileSync(versionPatch, VERSION_PATCH);
  const patchPaths = [sharedPatch, versionPatch];
  return {
    origin,
    checkoutPath,
    patchPaths,
    checkout: (ref: string, patches = patchPaths) =>
      checkoutRef({
        checkoutPath,
        remote: origin.url,
        ref,
        patchPaths: patches,
      }),
    read: (relative: string) =>
      readFileSync(path.join(checkoutPath, relative), "utf8"),
    git: (...args: string[]) => runGit(checkoutPath, ...args),
  };
}

describe("patches", () => {
  it("applies patches in order after a checkout, once", async () => {
    const f = await makePatchedFixture();

    const first = await f.checkout("v1.0.0");
    expect(first.patches.map((patch) => patch.result)).toEqual([
      "applied",
      "applied",
    ]);
    expect(f.read("litellm/shared.py")).toBe(
      "def shared():\n    return 42\n# patched\n",
    );
    expect(f.read("litellm/__init__.py")).toBe("version = '1.0.0+local'\n");

    const again = await f.checkout("v1.0.0");
    expect(again.patches.map((patch) => patch.result)).toEqual([
      "already",
      "already",
    ]);
    expect(f.read("litellm/shared.py")).toBe(
      "def shared():\n    return 42\n# patched\n",
    );
  });

  it("takes patches off before a switch and puts them on after", async () => {
    const f = await makePatchedFixture();
    const onlyShared = f.patchPaths.slice(0, 1);
    await f.checkout("v1.0.0", onlyShared);

    const result = await f.checkout("v2.0.0", onlyShared);

    expect(result.patches).toEqual([
      { file: onlyShared[0], result: "applied" },
    ]);
    expect(result.carried).toEqual({ changed: [], untracked: [] });
    expect(f.read("litellm/shared.py")).toContain("return 42");
    expect(await f.git("status", "--porcelain")).toBe("M litellm/shared.py");
  });

  it("stops at a patch that does not apply, showing its hunk, tree clean", async () => {
    const f = await makePatchedFixture();
    await f.checkout("v1.0.0");

    const error = await f.checkout("v2.0.0").then(
      () => undefined,
      (caught: unknown) => caught,
    );

    expect(error).toBeInstanceOf(UserError);
    const userError = error as UserError;
    expect(userError.message).toBe(
      "the patch 02-version.patch does not apply to v2.0.0; the tree is at v2.0.0 without patches",
    );
    expect(userError.details).toEqual([
      "error: patch failed: litellm/__init__.py:1",
      "error: litellm/__init__.py: patch does not apply",
      "the hunk that failed:",
      "  @@ -1 +1 @@",
      "  -version = '1.0.0'",
      "  +version = '1.0.0+local'",
    ]);
    expect(await f.git("rev-parse", "HEAD")).toBe(f.origin.tags["v2.0.0"]);
    expect(await f.git("status", "--porcelain")).toBe("");
    expect(f.read("litellm/shared.py")).toBe("def shared():\n    return 1\n");
  });
});

describe("inspectPin and verifyPinOrThrow", () => {
  it("reports a checkout at its pin with patches and UI changes", async () => {
    const f = await makePatchedFixture();
    const onlyShared = f.patchPaths.slice(0, 1);
    await f.checkout("v1.0.0", onlyShared);
    renameSync(
      path.join(f.checkoutPath, UI_DIR, "login.html"),
      path.join(f.checkoutPath, UI_DIR, "login-moved.html"),
    );

    const report = await inspectPin({
      checkoutPath: f.checkoutPath,
      pinnedCommit: f.origin.tags["v1.0.0"],
      patchPaths: f.patchPaths,
    });

    expect(report).toMatchObject({
      present: true,
      head: f.origin.tags["v1.0.0"],
      atPin: true,
      pinInClone: true,
      localCommits: 0,
      upstreamCommits: 0,
      missingPinCommits: 0,
      dirtyFiles: ["litellm/shared.py"],
      uiOutputChanged: true,
    });
    expect(report.patches.map((patch) => patch.state)).toEqual([
      "applied",
      "not-applied",
    ]);
  });

  it("accepts local commits on top of the pin and says so", async () => {
    const f = await makePatchedFixture();
    await f.checkout("v1.0.0", []);
    writeFileSync(path.join(f.checkoutPath, "mine.txt"), "mine\n");
    await f.git("add", "mine.txt");
    await f.git("commit", "--quiet", "-m", "Mine");

    const verdict = await verifyPinOrThrow({
      checkoutPath: f.checkoutPath,
      pinnedRef: "v1.0.0",
      pinnedCommit: f.origin.tags["v1.0.0"],
      patchPaths: f.patchPaths.slice(0, 1),
    });

    expect(verdict.report.atPin).toBe(false);
    expect(verdict.notes).toEqual([
      "1 local commit(s) on top of the pin",
      "patch 01-shared.patch is not applied; `tdm-litellm checkout` applies it",
    ]);
  });

  it("refuses a checkout that is elsewhere", async () => {
    const f = await makePatchedFixture();
    await f.checkout("v1.0.0", []);
    await f.checkout("v2.0.0", []);

    const error = await verifyPinOrThrow({
      checkoutPath: f.checkoutPath,
      pinnedRef: "feature",
      pinnedCommit: f.origin.branches.feature,
      patchPaths: [],
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );

    // The branch was never fetched into this clone.
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(
      `the pinned commit feature (${f.origin.branches.feature?.slice(0, 12)}) is not in the checkout`,
    );

    // v2.0.0 descends from v1.0.0, but its commits are published ones, not
    // local commits on top of the pin.
    const ahead = await verifyPinOrThrow({
      checkoutPath: f.checkoutPath,
      pinnedRef: "v1.0.0",
      pinnedCommit: f.origin.tags["v1.0.0"],
      patchPaths: [],
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect((ahead as UserError).details).toEqual([
      "HEAD lacks 0 commit(s) of the pin, has 2 published commit(s) the pin lacks and 0 local one(s)",
    ]);

    await f.checkout("v1.0.0", []);
    const elsewhere = await verifyPinOrThrow({
      checkoutPath: f.checkoutPath,
      pinnedRef: "v2.0.0",
      pinnedCommit: f.origin.tags["v2.0.0"],
      patchPaths: [],
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect((elsewhere as UserError).message).toBe(
      `the checkout is at ${f.origin.tags["v1.0.0"]?.slice(0, 12)}, not at the pin v2.0.0 (${f.origin.tags["v2.0.0"]?.slice(0, 12)})`,
    );
  });

  it("refuses when there is no checkout or no recorded commit", async () => {
    const project = makeTempDir();
    const checkoutPath = path.join(project, "litellm");

    await expect(
      verifyPinOrThrow({
        checkoutPath,
        pinnedRef: "v1.0.0",
        pinnedCommit: undefined,
        patchPaths: [],
      }),
    ).rejects.toThrow("no pinned commit recorded in tdm-litellm.yaml");
    await expect(
      verifyPinOrThrow({
        checkoutPath,
        pinnedRef: "v1.0.0",
        pinnedCommit: "a".repeat(40),
        patchPaths: [],
      }),
    ).rejects.toThrow(`there is no LiteLLM checkout at ${checkoutPath}`);
    await expect(
      verifyPinOrThrow({
        checkoutPath,
        pinnedRef: "v1.0.0",
        pinnedCommit: "--output=/tmp/x",
        patchPaths: [],
      }),
    ).rejects.toThrow(
      'the recorded commit "--output=/tmp/x" is not a commit id',
    );
  });
});
