import { execa } from "execa";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, temporaryDirectory } from "./support/cli.js";

interface Figure {
  group: string;
  status: string;
  name: string;
  unit: string;
  median: number | null;
  spread: number | null;
  runs: number;
  comparison?: { name: string; median: number | null; ratio: number | null };
}

/**
 * `npm run bench` is not part of the suite (figures are not pass/fail), but
 * its runner must keep starting and writing what it prints. The start-up
 * group only: no proxy, a few seconds.
 */
describe("bench/run.mjs", () => {
  const scratch = temporaryDirectory("tdm-litellm-bench-smoke-");
  afterAll(() => scratch.remove());

  it(
    "measures CLI start-up and writes the figures it prints",
    {
      timeout: 120_000,
    },
    async () => {
      const out = path.join(scratch.dir, "results.json");
      const result = await execa(
        process.execPath,
        ["bench/run.mjs", "--only", "startup", "--runs", "2", "--out", out],
        { cwd: REPO_ROOT, reject: false, env: { FORCE_COLOR: "0" } },
      );
      expect(result.exitCode, result.stderr).toBe(0);

      const results = JSON.parse(readFileSync(out, "utf8")) as {
        options: { runs: number; only: string[] };
        figures: Figure[];
      };
      expect(results.options).toMatchObject({ runs: 2, only: ["startup"] });
      const names = results.figures.map((figure) => figure.name);
      expect(names).toEqual(["tdm-litellm --version", "tdm-litellm --help"]);
      for (const figure of results.figures) {
        expect(figure).toMatchObject({
          group: "startup",
          status: "measured",
          unit: "ms",
          runs: 2,
        });
        expect(figure.median).toBeGreaterThan(0);
        expect(figure.spread).toBeGreaterThanOrEqual(0);
        expect(figure.comparison?.name).toBe("node -e 0");
        expect(figure.comparison?.ratio).toBeGreaterThan(0);
        // The table shows the same figure.
        expect(result.stdout).toContain(`${figure.name}  `);
      }
    },
  );

  it("refuses an unknown group with usage and exit code 2", async () => {
    const result = await execa(
      process.execPath,
      ["bench/run.mjs", "--only", "nonsense"],
      { cwd: REPO_ROOT, reject: false },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown group nonsense in --only");
    expect(result.stderr).toContain("usage: node bench/run.mjs");
  });
});
