import { execa } from "execa";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  ensurePythonEnvironment,
  MARKER_FILE,
} from "../../src/python-env/environment.js";
import { launcherPaths } from "../../src/paths.js";
import { POETRY_ERA_VERSION } from "../support/litellm-release.js";
import { recordingLogger } from "./recording-logger.js";
import {
  checkoutCopy,
  removeTemporaries,
  useTestCacheDirs,
} from "./support.js";

const CLI = path.resolve(import.meta.dirname, "../../dist/cli.js");
const BUILD_TIMEOUT_MS = 900_000;

beforeAll(() => useTestCacheDirs());
afterAll(() => removeTemporaries());

it(
  "an install interrupted with SIGINT leaves nothing a later ensure takes as ready",
  async () => {
    const checkout = await checkoutCopy(POETRY_ERA_VERSION);
    // A dependency set of its own, so this test always builds.
    const pyproject = path.join(checkout, "pyproject.toml");
    writeFileSync(
      pyproject,
      readFileSync(pyproject, "utf8").replace(
        'proxy = [\n    "gunicorn",',
        'proxy = [\n    "six",\n    "gunicorn",',
      ) + '\n[tool.poetry.dependencies.six]\nversion = "*"\noptional = true\n',
    );
    const planned = await plannedKey(checkout);
    rmSync(path.join(launcherPaths().environments, planned), {
      recursive: true,
      force: true,
    });
    const project = path.dirname(checkout);
    const config = path.join(
      project,
      `tdm-litellm-${path.basename(checkout)}.yaml`,
    );
    writeFileSync(config, `litellm:\n  path: ${checkout}\n`);

    const child = execa("node", [CLI, "--config", config, "sync"], {
      reject: false,
      all: true,
      env: { FORCE_COLOR: "0" },
    });
    let output = "";
    await new Promise<void>((resolve) => {
      child.all?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("installing the proxy's dependencies")) resolve();
      });
      void child.finally(() => resolve());
    });
    child.kill("SIGINT");
    const result = await child;

    expect(result.exitCode, output).toBe(130);
    expect(output).toContain("partial environment was removed");
    const dir = path.join(launcherPaths().environments, planned);
    expect(existsSync(path.join(dir, MARKER_FILE))).toBe(false);

    const logger = recordingLogger();
    const environment = await ensurePythonEnvironment({
      checkoutPath: checkout,
      logger,
    });
    expect(environment.key).toBe(planned);
    expect(environment.reused).toBe(false);
    expect(existsSync(path.join(environment.dir, MARKER_FILE))).toBe(true);
    rmSync(config, { force: true });
  },
  BUILD_TIMEOUT_MS,
);

/** The key the checkout's environment will have, without building it. */
async function plannedKey(checkout: string): Promise<string> {
  const { planEnvironment } =
    await import("../../src/python-env/environment.js");
  return (
    await planEnvironment({ checkoutPath: checkout, logger: recordingLogger() })
  ).key;
}
