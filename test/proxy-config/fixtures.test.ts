import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkProxyConfig } from "../../src/proxy-config/index.js";
import type { CheckReport } from "../../src/proxy-config/index.js";
import { FIXTURES_DIR, REPO_ROOT } from "./support/fixtures.js";

/**
 * Every real config of ../shared/fixtures/proxy-configs against its
 * checked-in expectation in test/fixtures/check-config: each diagnostic's
 * file, line, column, severity and code. The environment is empty and the
 * release is 1.80.10, so that the verdicts do not depend on the machine.
 * After a deliberate change, rewrite them with
 * `UPDATE_EXPECTATIONS=1 npx vitest run test/proxy-config/fixtures.test.ts`
 * and review the diff (the files are compared as JSON, so Prettier may
 * format them).
 */
const EXPECTATIONS_DIR = path.join(
  REPO_ROOT,
  "test",
  "fixtures",
  "check-config",
);
const RELEASE = "1.80.10";

/** 08 includes `included_models.yaml`, which is fixture 09. */
const INCLUDE_MAIN = "08-berriai-config-with-include.yaml";
const INCLUDED = "09-berriai-included-models.yaml";

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function fixtureFor(name: string): string {
  if (name !== INCLUDE_MAIN) return path.join(FIXTURES_DIR, name);
  const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-include-"));
  temporary.push(dir);
  copyFileSync(path.join(FIXTURES_DIR, name), path.join(dir, name));
  copyFileSync(
    path.join(FIXTURES_DIR, INCLUDED),
    path.join(dir, "included_models.yaml"),
  );
  return path.join(dir, name);
}

/** One line per diagnostic: `file:line:col severity code`. */
function summarize(report: CheckReport): string[] {
  return report.diagnostics.map(
    (d) =>
      `${path.basename(d.file)}:${d.line ?? 0}:${d.column ?? 0} ${d.severity} ${d.code}`,
  );
}

const fixtures = readdirSync(FIXTURES_DIR).filter((name) =>
  name.endsWith(".yaml"),
);

describe("real configs match their checked-in expectations", () => {
  it("has every fixture", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  it.each(fixtures)("%s", (name) => {
    const report = checkProxyConfig({
      file: fixtureFor(name),
      env: {},
      litellmVersion: RELEASE,
    });
    const expectation = {
      verdict: report.errorCount > 0 ? "invalid" : "valid",
      files: report.files.map((file) => path.basename(file)),
      diagnostics: summarize(report),
    };
    const file = path.join(EXPECTATIONS_DIR, name.replace(/\.yaml$/, ".json"));
    if (process.env.UPDATE_EXPECTATIONS === "1") {
      writeFileSync(file, JSON.stringify(expectation, null, 2) + "\n");
    }
    if (!existsSync(file)) {
      throw new Error(
        `${file} is missing; create it with UPDATE_EXPECTATIONS=1 and review it`,
      );
    }
    expect(expectation).toEqual(JSON.parse(readFileSync(file, "utf8")));
  });

  it("resolves 08's include into 09, with diagnostics in 09", () => {
    const report = checkProxyConfig({
      file: fixtureFor(INCLUDE_MAIN),
      env: {},
      litellmVersion: RELEASE,
    });
    expect(report.files.map((file) => path.basename(file))).toEqual([
      INCLUDE_MAIN,
      "included_models.yaml",
    ]);
    const models = report.config?.model_list as { model_name: string }[];
    expect(models.map((model) => model.model_name)).toEqual(["included-model"]);
    expect(
      report.diagnostics.find((d) => d.code === "provider-key-missing"),
    ).toMatchObject({
      file: expect.stringMatching(/included_models\.yaml$/) as unknown,
      line: 3,
    });
  });
});
