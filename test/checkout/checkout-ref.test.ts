import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import {
  checkoutRef,
  tryReadHead,
  type CheckoutOptions,
} from "../../src/litellm-checkout/index.js";
import {
  makeGitOrigin,
  makeTempDir,
  runGit,
  UI_DIR,
  useGitTestIdentity,
  type GitOrigin,
} from "../support/git-origin.js";
import { snapshotTree } from "./tree-snapshot.js";

beforeAll(() => useGitTestIdentity());

interface Fixture {
  origin: GitOrigin;
  checkoutPath: string;
  checkout: (
    ref: string,
    extra?: Partial<CheckoutOptions>,
  ) => ReturnType<typeof checkoutRef>;
  git: (...args: string[]) => Promise<string>;
  read: (relative: string) => string;
  write: (relative: string, content: string) => void;
}

/** An origin and a (not yet cloned) checkout path beside it. */
async function makeFixture(): Promise<Fixture> {
  const origin = await makeGitOrigin();
  const checkoutPath = path.join(makeTempDir(), "litellm");
  return {
    origin,
    checkoutPath,
    checkout: (ref, extra = {}) =>
      checkoutRef({ checkoutPath, remote: origin.url, ref, ...extra }),
    git: (...args) => runGit(checkoutPath, ...args),
    read: (relative) => readFileSync(path.join(checkoutPath, relative), "utf8"),
    write: (relative, content) => {
      const file = path.join(checkoutPath, relative);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    },
  };
}

async function catchUserError(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof UserError)) {
    throw new Error(`expected a UserError, got ${String(error)}`);
  }
  return error;
}

describe("first clone", () => {
  it("makes a partial clone holding only the pin's history", async () => {
    const f = await makeFixture();

    const result = await f.checkout("v1.0.0");

    expect(result).toMatchObject({ cloned: true, fetched: true });
    expect(result.commit).toBe(f.origin.tags["v1.0.0"]);
    expect(await tryReadHead(f.checkoutPath)).toBe(f.origin.tags["v1.0.0"]);
    expect(f.read("litellm/__init__.py")).toBe("version = '1.0.0'\n");
    expect(await f.git("config", "remote.origin.promisor")).toBe("true");
    expect(await f.git("config", "remote.origin.partialclonefilter")).toBe(
      "blob:none",
    );
    // Only the pin's history came: no later release, no other branch.
    expect(await f.git("rev-list", "--all")).toBe(f.origin.tags["v1.0.0"]);
    expect(await f.git("for-each-ref", "--format=%(refname)")).toBe(
      "refs/tags/v1.0.0",
    );
    // HEAD is detached at the pin.
    await expect(f.git("symbolic-ref", "-q", "HEAD")).rejects.toThrow();
    expect(
      readdirNames(path.dirname(f.checkoutPath)).filter((name) =>
        name.includes(".partial-"),
      ),
    ).toEqual([]);
  });

  it("leaves nothing behind when the remote cannot be reached", async () => {
    const f = await makeFixture();
    rmSync(f.origin.dir, { recursive: true });

    const error = await catchUserError(f.checkout("v1.0.0"));

    expect(error.message).toBe(
      "ref v1.0.0 is not in the local clone, and the remote cannot be reached",
    );
    expect(error.hint).toBe(
      "run `tdm-litellm checkout v1.0.0` with network access",
    );
    expect(readdirNames(path.dirname(f.checkoutPath))).toEqual([]);
  });

  it("refuses a directory that is not a checkout", async () => {
    const f = await makeFixture();
    f.write("notes.txt", "mine\n");

    const error = await catchUserError(f.checkout("v1.0.0"));

    expect(error.message).toBe(
      `${f.checkoutPath} exists and is not a git checkout`,
    );
    expect(f.read("notes.txt")).toBe("mine\n");
  });
});

describe("switching", () => {
  it("switches between tags both ways, fetching only when needed", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");

    const forward = await f.checkout("v2.0.0");
    expect(forward).toMatchObject({ fetched: true, cloned: false });
    expect(forward.commit).toBe(f.origin.tags["v2.0.0"]);
    expect(f.read("litellm/__init__.py")).toBe("version = '2.0.0'\n");
    expect(f.read("litellm/router.py")).toContain("router v2 line 1");

    const back = await f.checkout("v1.0.0");
    expect(back).toMatchObject({ fetched: false, cloned: false });
    expect(back.previousHead).toBe(f.origin.tags["v2.0.0"]);
    expect(await tryReadHead(f.checkoutPath)).toBe(f.origin.tags["v1.0.0"]);
    expect(existsSync(path.join(f.checkoutPath, "litellm/added.py"))).toBe(
      false,
    );
  });

  it("checks out an abbreviated commit that is not yet local", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    const short = (f.origin.tags["v1.1.0"] ?? "").slice(0, 8);

    const result = await f.checkout(short);

    expect(result.commit).toBe(f.origin.tags["v1.1.0"]);
    expect(result.fetched).toBe(true);
    expect(f.read("litellm/__init__.py")).toBe("version = '1.1.0'\n");
  });

  it("checks out a branch, a full commit on no branch and HEAD~n", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");

    const branch = await f.checkout("feature");
    expect(branch.commit).toBe(f.origin.branches.feature);
    expect(f.read("litellm/feature.py")).toBe("feature = True\n");

    const dangling = await f.checkout(f.origin.danglingCommit);
    expect(dangling).toMatchObject({ fetched: true });
    expect(dangling.commit).toBe(f.origin.danglingCommit);
    expect(f.read("litellm/dangling.py")).toBe("dangling = True\n");

    await f.checkout("v2.0.0");
    const relative = await f.checkout("HEAD~1");
    expect(relative.commit).toBe(f.origin.tags["v1.1.0"]);
    const suffixed = await f.checkout("v2.0.0~2");
    expect(suffixed.commit).toBe(f.origin.tags["v1.0.0"]);
  });

  it("returns to a recorded commit when given one", async () => {
    const f = await makeFixture();
    await f.checkout("v2.0.0");

    const result = await f.checkout("v1.0.0", {
      commit: f.origin.tags["v1.0.0"],
    });

    expect(result.commit).toBe(f.origin.tags["v1.0.0"]);
    expect(result.ref).toBe("v1.0.0");
  });

  it("names an unknown ref and changes nothing", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    const before = snapshotTree(f.checkoutPath);

    const error = await catchUserError(f.checkout("v9.9.9"));

    expect(error.message).toBe(`ref v9.9.9 does not exist in ${f.origin.url}`);
    expect(snapshotTree(f.checkoutPath)).toEqual(before);
    expect(await tryReadHead(f.checkoutPath)).toBe(f.origin.tags["v1.0.0"]);
  });

  it("says what to run with network access when a fetch fails", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    renameSync(f.origin.dir, `${f.origin.dir}.gone`);

    const error = await catchUserError(f.checkout("v2.0.0"));

    expect(error.message).toContain("ref v2.0.0 is not in the local clone");
    expect(error.hint).toBe(
      "run `tdm-litellm checkout v2.0.0` with network access",
    );
    expect(await tryReadHead(f.checkoutPath)).toBe(f.origin.tags["v1.0.0"]);

    // What is local still works offline.
    renameSync(`${f.origin.dir}.gone`, f.origin.dir);
    await f.checkout("v2.0.0");
    renameSync(f.origin.dir, `${f.origin.dir}.gone`);
    const offline = await f.checkout("v1.0.0");
    expect(offline).toMatchObject({ fetched: false });
    expect(f.read("litellm/__init__.py")).toBe("version = '1.0.0'\n");
  });

  it.each([
    "--upload-pack=touch pwned",
    "--upload-pack=touch${IFS}pwned",
    "-c",
  ])("rejects the option-like ref %j before any git command", async (ref) => {
    const f = await makeFixture();
    const cwd = process.cwd();
    const error = await catchUserError(f.checkout(ref));

    expect(error.message).toContain("is not a valid git ref");
    expect(existsSync(path.join(cwd, "pwned"))).toBe(false);
    expect(existsSync(path.join(path.dirname(f.checkoutPath), "pwned"))).toBe(
      false,
    );
    // Not even a clone was started.
    expect(existsSync(f.checkoutPath)).toBe(false);
  });
});

describe("local work", () => {
  it("carries changes git can carry and says so", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    f.write("litellm/shared.py", "def shared():\n    return 'mine'\n");
    f.write("notes/todo.md", "try the fix\n");

    const result = await f.checkout("v2.0.0");

    expect(result.carried).toEqual({
      changed: ["litellm/shared.py"],
      untracked: ["notes/todo.md"],
    });
    expect(result.stash).toBeUndefined();
    expect(f.read("litellm/shared.py")).toBe(
      "def shared():\n    return 'mine'\n",
    );
    expect(f.read("notes/todo.md")).toBe("try the fix\n");
    expect(f.read("litellm/__init__.py")).toBe("version = '2.0.0'\n");
  });

  it("refuses a conflicting change, listing it and changing nothing", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    await f.checkout("v2.0.0");
    f.write("litellm/__init__.py", "version = 'my fork'\n");
    f.write("litellm/shared.py", "def shared():\n    return 2\n");
    f.write("scratch.txt", "notes\n");
    const before = snapshotTree(f.checkoutPath);
    const statusBefore = await f.git("status", "--porcelain");

    const error = await catchUserError(f.checkout("v1.0.0"));

    expect(error.message).toBe(
      `local work in ${f.checkoutPath} is in the way of v1.0.0; nothing was changed`,
    );
    expect(error.details).toEqual([
      "changed here and in v1.0.0: litellm/__init__.py",
    ]);
    expect(error.hint).toContain("tdm-litellm checkout v1.0.0 --force");
    expect(error.hint).toContain(
      'stash push --include-untracked -m "tdm-litellm: local work before checkout v1.0.0"',
    );
    expect(snapshotTree(f.checkoutPath)).toEqual(before);
    expect(await f.git("status", "--porcelain")).toBe(statusBefore);
    expect(await tryReadHead(f.checkoutPath)).toBe(f.origin.tags["v2.0.0"]);
  });

  it("refuses untracked files the target tracks", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    f.write("litellm/added.py", "my own added.py\n");
    const before = snapshotTree(f.checkoutPath);

    const error = await catchUserError(f.checkout("v1.1.0"));

    expect(error.details).toEqual([
      "untracked here, tracked in v1.1.0: litellm/added.py",
    ]);
    expect(snapshotTree(f.checkoutPath)).toEqual(before);
    expect(await tryReadHead(f.checkoutPath)).toBe(f.origin.tags["v1.0.0"]);
  });

  it("refuses an untracked directory where the target puts a file", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    f.write("litellm/added.py/notes.md", "a directory of mine\n");
    const before = snapshotTree(f.checkoutPath);

    const error = await catchUserError(f.checkout("v1.1.0"));

    expect(error.details).toEqual([
      "untracked here, tracked in v1.1.0: litellm/added.py",
    ]);
    expect(snapshotTree(f.checkoutPath)).toEqual(before);
  });

  it("refuses ignored files the target tracks, even with --force", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    f.write(".git/info/exclude", "added.py\n");
    f.write("litellm/added.py", "ignored but mine\n");

    const error = await catchUserError(f.checkout("v1.1.0", { force: true }));

    expect(error.details).toEqual([
      "ignored here, tracked in v1.1.0: litellm/added.py",
    ]);
    expect(f.read("litellm/added.py")).toBe("ignored but mine\n");
  });

  it("--force stashes the work in the way under a name it reports", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    f.write("litellm/__init__.py", "version = 'my fork'\n");
    f.write("litellm/added.py", "my own added.py\n");

    const result = await f.checkout("v1.1.0", { force: true });

    expect(result.stash?.name).toBe("stash@{0}");
    expect(result.stash?.message).toMatch(
      /^tdm-litellm: local work before checkout v1\.1\.0 \(\d{4}-\d\d-\d\dT[\d:]+Z\)$/,
    );
    expect(await f.git("stash", "list", "--format=%s")).toContain(
      result.stash?.message,
    );
    expect(f.read("litellm/__init__.py")).toBe("version = '1.1.0'\n");
    expect(f.read("litellm/added.py")).toBe("added = True\n");

    // The work comes back from the stash it named.
    await f.checkout("v1.0.0");
    await f.git("stash", "apply", result.stash?.commit ?? "missing");
    expect(f.read("litellm/__init__.py")).toBe("version = 'my fork'\n");
    expect(f.read("litellm/added.py")).toBe("my own added.py\n");
  });

  it("keeps local commits on a detached HEAD on a new branch", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    f.write("litellm/shared.py", "def shared():\n    return 'fix'\n");
    await f.git("commit", "--quiet", "-am", "My fix");
    const mine = await f.git("rev-parse", "HEAD");

    const result = await f.checkout("v2.0.0", {
      previousCommit: f.origin.tags["v1.0.0"],
    });

    expect(result.savedBranch).toEqual({
      name: `tdm-litellm/saved-${mine.slice(0, 12)}`,
      commits: 1,
    });
    expect(
      await f.git("rev-parse", `refs/heads/${result.savedBranch?.name}`),
    ).toBe(mine);
    expect(await tryReadHead(f.checkoutPath)).toBe(f.origin.tags["v2.0.0"]);
  });

  it("does not count a pinned commit on no branch as local work", async () => {
    const f = await makeFixture();
    await f.checkout(f.origin.danglingCommit);

    const result = await f.checkout("v1.0.0", {
      previousCommit: f.origin.danglingCommit,
    });

    expect(result.savedBranch).toBeUndefined();
    expect(await f.git("for-each-ref", "refs/heads")).toBe("");
  });

  it("puts back what LiteLLM did to its UI bundle, which never blocks", async () => {
    const f = await makeFixture();
    await f.checkout("v1.0.0");
    // What LiteLLM 1.80.10's proxy does at start.
    for (const page of ["login", "logs"]) {
      mkdirSync(path.join(f.checkoutPath, UI_DIR, page));
      renameSync(
        path.join(f.checkoutPath, UI_DIR, `${page}.html`),
        path.join(f.checkoutPath, UI_DIR, page, "index.html"),
      );
    }

    const result = await f.checkout("v1.1.0");

    expect(result.uiRestored).toBe(true);
    expect(result.carried).toEqual({ changed: [], untracked: [] });
    expect(f.read(`${UI_DIR}/login.html`)).toBe("<html>login 1.1</html>\n");
    expect(existsSync(path.join(f.checkoutPath, UI_DIR, "login"))).toBe(false);
    expect(await f.git("status", "--porcelain")).toBe("");
  });
});

function readdirNames(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir).filter((name) => name !== "litellm")
    : [];
}
