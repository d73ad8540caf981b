import { describe, expect, it } from "vitest";
import {
  assertSafeRef,
  findRefProblem,
  splitRevisionSuffix,
} from "../../src/litellm-checkout/ref.js";
import { parseProgress } from "../../src/litellm-checkout/git.js";

describe("assertSafeRef", () => {
  it.each([
    "v1.80.10",
    "v1.80.10.rc.3",
    "v1.83.9-nightly",
    "main",
    "feature/ui-fix",
    "HEAD",
    "HEAD~3",
    "v1.2^",
    "v1.2~2^2",
    "abc1234",
    "0123456789abcdef0123456789abcdef01234567",
  ])("accepts %j", (ref) => {
    expect(findRefProblem(ref)).toBeUndefined();
    expect(() => assertSafeRef(ref)).not.toThrow();
  });

  it.each([
    ["--upload-pack=touch pwned", "it starts with `-`, like an option"],
    ["-c", "it starts with `-`, like an option"],
    ["", "it is empty"],
    ["v1 2", "it contains a space or a control character"],
    ["v1\x00", "it contains a space or a control character"],
    ["v1\n--force", "it contains a space or a control character"],
    ["a..b", "it contains `..`"],
    ["@{-1}", "it contains `@{` or is `@`"],
    ["@", "it contains `@{` or is `@`"],
    ["main@{upstream}", "it contains `@{` or is `@`"],
    [
      "v1:path",
      "it contains one of ~ ^ : ? * [ \\ outside a trailing ~n or ^n",
    ],
    ["v1*", "it contains one of ~ ^ : ? * [ \\ outside a trailing ~n or ^n"],
    ["v1~x", "it contains one of ~ ^ : ? * [ \\ outside a trailing ~n or ^n"],
    ["~1", "it has no name before `~` or `^`"],
    ["feature/.hidden", "a part of it starts with `.`"],
    ["branch.lock", "a part of it ends with `.lock`"],
    ["trailing/", "it starts or ends with `/`"],
    ["a//b", "it contains `//`"],
    ["v1.", "it ends with `.`"],
    ["x".repeat(256), "it is too long"],
  ])("rejects %j: %s", (ref, problem) => {
    expect(findRefProblem(ref)).toBe(problem);
    expect(() => assertSafeRef(ref)).toThrow("is not a valid git ref");
  });

  it("shows control characters in the message instead of printing them", () => {
    expect(() => assertSafeRef("v1\x1b[31m")).toThrow(
      '"v1\\x1b[31m" is not a valid git ref',
    );
  });
});

describe("splitRevisionSuffix", () => {
  it.each([
    ["v1.2", { base: "v1.2", suffix: "" }],
    ["HEAD~3", { base: "HEAD", suffix: "~3" }],
    ["v1.2~2^2", { base: "v1.2", suffix: "~2^2" }],
    ["main^", { base: "main", suffix: "^" }],
  ])("splits %j", (ref, expected) => {
    expect(splitRevisionSuffix(ref)).toEqual(expected);
  });
});

describe("parseProgress", () => {
  it("reads git's progress lines, local and remote, split on CR", () => {
    const chunk =
      "remote: Counting objects:  50% (1/2)\rremote: Counting objects: 100% (2/2), done.\n" +
      "Receiving objects:  12% (3/25)\rUpdating files:  40% (2/5)\rnoise without percent\n";

    expect(parseProgress(chunk)).toEqual([
      { stage: "Counting objects", percent: 50 },
      { stage: "Counting objects", percent: 100 },
      { stage: "Receiving objects", percent: 12 },
      { stage: "Updating files", percent: 40 },
    ]);
  });
});
