import { describe, expect, it } from "vitest";
import { readEnvironmentVariablesBlock } from "../../src/proxy-config/index.js";
import { compareReleases, isAtLeast } from "../../src/proxy-config/version.js";

describe("readEnvironmentVariablesBlock", () => {
  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    ["strings as they are", { A: "x", B: "" }, { A: "x", B: "" }],
    [
      "scalars as Python's str() writes them",
      { PORT: 6329, ON: true, OFF: false, RATE: 0.5 },
      { PORT: "6329", ON: "True", OFF: "False", RATE: "0.5" },
    ],
    ["no entry for an empty value", { EMPTY: null }, {}],
    [
      "references resolved against the environment, unset ones left out",
      { A: "os.environ/SET", B: "os.environ/UNSET" },
      { A: "from-env" },
    ],
  ])("exports %s", (_name, block, expected) => {
    expect(
      readEnvironmentVariablesBlock(
        { environment_variables: block },
        { SET: "from-env" },
      ),
    ).toEqual(expected);
  });

  it("is empty without a block, or with one that is not a mapping", () => {
    expect(readEnvironmentVariablesBlock(undefined)).toEqual({});
    expect(
      readEnvironmentVariablesBlock({ environment_variables: ["A=1"] }),
    ).toEqual({});
  });
});

describe("release comparison for version-aware rules", () => {
  it.each<[string, string, number]>([
    ["1.104.0", "1.104.0", 0],
    ["1.103.9", "1.104.0", -1],
    ["1.104.0rc1", "1.104.0", 0],
    ["1.80.10", "1.104.0", -1],
    ["2.0", "1.104.0", 1],
  ])("%s against %s", (a, b, expected) => {
    expect(compareReleases(a, b)).toBe(expected);
  });

  it("treats an unknown release as older than any floor", () => {
    expect(isAtLeast(undefined, "1.104.0")).toBe(false);
  });
});
