import { execa } from "execa";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import {
  GIT_TEST_ENV,
  makeGitOrigin,
  makeTempDir,
  runGit,
  type GitOrigin,
} from "../support/git-origin.js";

const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../..",
);
const BIN = path.join(ROOT, "bin", "tdm-litellm");

beforeAll(async () => {
  // `npm test` builds first; a targeted run may not have.
  if (!existsSync(path.join(ROOT, "dist", "cli.js"))) {
    await execa("npm", ["run", "build"], { cwd: ROOT });
  }
});

const SHARED_PATCH = [
  "--- a/litellm/shared.py",
  "+++ b/litellm/shared.py",
  "@@ -1,2 +1,2 @@",
  " def shared():",
  "-    return 1",
  "+    return 'patched'",
  "",
].join("\n");

function wrapperYaml(origin: GitOrigin): string {
  return [
    "# My LiteLLM set-up",
    "litellm:",
    "  path: litellm        # beside this file",
    "  ref: v1.0.0          # the pin",
    `  remote: ${origin.url}`,
    "  patches:",
    "    - patches/shared.patch   # my fix",
    "",
    "proxy:",
    "  port: 4000 # clients use this",
    "",
  ].join("\n");
}

async function makeProject() {
  const origin = await makeGitOrigin();
  const project = makeTempDir();
  const yamlFile = path.join(project, "tdm-litellm.yaml");
  writeFileSync(yamlFile, wrapperYaml(origin));
  mkdirSync(path.join(project, "patches"));
  writeFileSync(path.join(project, "patches", "shared.patch"), SHARED_PATCH);
  const checkoutPath = path.join(project, "litellm");
  return {
    origin,
    project,
    yamlFile,
    checkoutPath,
    run: (...args: string[]) =>
      execa(BIN, args, {
        cwd: project,
        reject: false,
        env: { ...GIT_TEST_ENV, FORCE_COLOR: "0" },
      }),
    head: () => runGit(checkoutPath, "rev-parse", "HEAD"),
  };
}

describe("tdm-litellm checkout", () => {
  it("clones, applies the patch and records the pin keeping comments", async () => {
    const p = await makeProject();
    const before = readFileSync(p.yamlFile, "utf8");

    const result = await p.run("checkout", "v1.1.0");

    expect(result.stderr).toContain("checking out v1.1.0");
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("cloned (partial, blobs on demand)");
    expect(result.stderr).toContain("applied patch shared.patch");
    // Not a terminal: progress comes as plain lines, never redrawn.
    expect(result.stderr).toMatch(/^ {2}git: [a-z ]+$/m);
    expect(result.stderr).not.toContain("\r");
    const commit = p.origin.tags["v1.1.0"] ?? "";
    expect(result.stderr).toContain(`pinned v1.1.0 (${commit.slice(0, 12)})`);
    expect(readFileSync(p.yamlFile, "utf8")).toBe(
      before
        .replace("ref: v1.0.0          #", "ref: v1.1.0          #")
        .replace(
          "    - patches/shared.patch   # my fix\n",
          `    - patches/shared.patch   # my fix\n  commit: ${commit}\n`,
        ),
    );
    expect(await p.head()).toBe(commit);
    expect(
      readFileSync(path.join(p.checkoutPath, "litellm/shared.py"), "utf8"),
    ).toBe("def shared():\n    return 'patched'\n");
  });

  it("returns to the recorded pin when no ref is given", async () => {
    const p = await makeProject();
    expect((await p.run("checkout", "v2.0.0")).exitCode).toBe(0);
    const pinned = readFileSync(p.yamlFile, "utf8");
    await runGit(p.checkoutPath, "checkout", "--quiet", "--", ".");
    await runGit(p.checkoutPath, "checkout", "--quiet", "HEAD~2");
    expect(await p.head()).toBe(p.origin.tags["v1.0.0"]);

    const result = await p.run("checkout");

    expect(result.exitCode).toBe(0);
    expect(await p.head()).toBe(p.origin.tags["v2.0.0"]);
    expect(readFileSync(p.yamlFile, "utf8")).toBe(pinned);
  });

  it("refuses work in the way with the choices, then --force stashes it", async () => {
    const p = await makeProject();
    expect((await p.run("checkout", "v1.0.0")).exitCode).toBe(0);
    const initFile = path.join(p.checkoutPath, "litellm/__init__.py");
    writeFileSync(initFile, "version = 'mine'\n");
    const pinned = readFileSync(p.yamlFile, "utf8");

    const refused = await p.run("checkout", "v2.0.0");

    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(
      `error local work in ${p.checkoutPath} is in the way of v2.0.0; nothing was changed`,
    );
    expect(refused.stderr).toContain(
      "  changed here and in v2.0.0: litellm/__init__.py",
    );
    expect(refused.stderr).toContain("`tdm-litellm checkout v2.0.0 --force`");
    expect(readFileSync(initFile, "utf8")).toBe("version = 'mine'\n");
    expect(readFileSync(p.yamlFile, "utf8")).toBe(pinned);

    const forced = await p.run("checkout", "v2.0.0", "--force");

    expect(forced.exitCode).toBe(0);
    const stash = /stash apply ([0-9a-f]{40})/.exec(forced.stderr)?.[1];
    expect(stash).toBeDefined();
    expect(forced.stderr).toContain(
      'stashed the local work in the way as stash@{0} "tdm-litellm: local work before checkout v2.0.0',
    );
    expect(readFileSync(initFile, "utf8")).toBe("version = '2.0.0'\n");
    expect(
      await runGit(p.checkoutPath, "show", `${stash}:litellm/__init__.py`),
    ).toBe("version = 'mine'");
  });

  it.each([
    [["checkout", "--", "--upload-pack=touch pwned"], "is not a valid git ref"],
    [["checkout", "--upload-pack=touch pwned"], "unknown option"],
  ])("refuses %j and runs nothing", async (args, message) => {
    const p = await makeProject();

    const result = await p.run(...args);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(existsSync(path.join(p.project, "pwned"))).toBe(false);
    expect(existsSync(p.checkoutPath)).toBe(false);
  });

  it("says what to run with network access when offline", async () => {
    const p = await makeProject();
    expect((await p.run("checkout", "v1.0.0")).exitCode).toBe(0);
    renameSync(p.origin.dir, `${p.origin.dir}.offline`);

    const result = await p.run("checkout", "v2.0.0");

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "error ref v2.0.0 is not in the local clone",
    );
    expect(result.stderr).toContain(
      "fix: run `tdm-litellm checkout v2.0.0` with network access",
    );
    expect(await p.head()).toBe(p.origin.tags["v1.0.0"]);
  });
});
