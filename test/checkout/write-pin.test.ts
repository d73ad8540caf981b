import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  updateSectionValues,
  updateSectionValuesInFile,
} from "../../src/wrapper-config/write.js";
import { makeTempDir } from "../support/git-origin.js";

const COMMIT_A = "a".repeat(40);
const COMMIT_B = "0123456789abcdef0123456789abcdef01234567";

const COMMENTED = [
  "# tdm-litellm: how this project runs LiteLLM",
  "litellm:",
  "  path: ../litellm   # the checkout",
  "  ref: v1.80.10.rc.3 # the pin: tag, branch or commit",
  "  remote: https://github.com/BerriAI/litellm.git",
  "",
  "  # local fixes, applied in order",
  "  patches:",
  "    - patches/01-fix.patch",
  "",
  "# the proxy",
  "proxy:",
  "  port: 4000 # keep in sync with clients",
  "",
].join("\n");

describe("updateSectionValues", () => {
  it("rewrites the pin and adds the commit, keeping every other byte", () => {
    const after = updateSectionValues(COMMENTED, "litellm", {
      ref: "v1.81.0",
      commit: COMMIT_A,
    });

    expect(after).toBe(
      COMMENTED.replace("  ref: v1.80.10.rc.3 #", "  ref: v1.81.0 #").replace(
        "    - patches/01-fix.patch\n",
        `    - patches/01-fix.patch\n  commit: ${COMMIT_A}\n`,
      ),
    );
  });

  it("replaces a recorded commit in place on the next rewrite", () => {
    const first = updateSectionValues(COMMENTED, "litellm", {
      ref: "v1.81.0",
      commit: COMMIT_A,
    });

    const second = updateSectionValues(first, "litellm", {
      ref: "main",
      commit: COMMIT_B,
    });

    expect(second).toBe(
      first.replace("ref: v1.81.0", "ref: main").replace(COMMIT_A, COMMIT_B),
    );
    expect(parse(second)).toMatchObject({
      litellm: { ref: "main", commit: COMMIT_B, path: "../litellm" },
      proxy: { port: 4000 },
    });
  });

  it.each([
    ["ref: v1", "1.80", 'ref: "1.80"'],
    ['ref: "v1"', "v2", 'ref: "v2"'],
    ["ref: 'v1'", "v2", "ref: 'v2'"],
    ["ref:", "v2", "ref: v2"],
    ["ref: # to fill in", "v2", "ref: v2 # to fill in"],
  ])("turns %j into %j's %j", (line, value, expected) => {
    const text = `litellm:\n  path: x\n  ${line}\n`;

    const after = updateSectionValues(text, "litellm", { ref: value });

    expect(after).toBe(`litellm:\n  path: x\n  ${expected}\n`);
    expect((parse(after) as { litellm: { ref: unknown } }).litellm.ref).toBe(
      value,
    );
  });

  it("keeps Windows line endings", () => {
    const text = "litellm:\r\n  ref: v1 # pin\r\n  path: x\r\n";

    const after = updateSectionValues(text, "litellm", {
      ref: "v2",
      commit: COMMIT_A,
    });

    expect(after).toBe(
      `litellm:\r\n  ref: v2 # pin\r\n  path: x\r\n  commit: ${COMMIT_A}\r\n`,
    );
  });

  it("writes the file only when something changed", () => {
    const file = path.join(makeTempDir(), "tdm-litellm.yaml");
    writeFileSync(file, COMMENTED);

    updateSectionValuesInFile(file, "litellm", { ref: "v1.80.10.rc.3" });
    expect(readFileSync(file, "utf8")).toBe(COMMENTED);

    updateSectionValuesInFile(file, "litellm", { ref: "v2" });
    expect(readFileSync(file, "utf8")).toBe(
      COMMENTED.replace("ref: v1.80.10.rc.3", "ref: v2"),
    );
  });
});
