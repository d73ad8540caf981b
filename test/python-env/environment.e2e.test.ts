import { execa } from "execa";
import {
  appendFileSync,
  existsSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { parse as parseToml, stringify as stringifyToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ensurePythonEnvironment,
  MARKER_FILE,
  tryFindReadyEnvironment,
} from "../../src/python-env/environment.js";
import { proxyEntry } from "../../src/python-env/entry.js";
import { launcherPaths } from "../../src/paths.js";
import { POETRY_ERA_VERSION } from "../support/litellm-release.js";
import { recordingLogger } from "./recording-logger.js";
import {
  checkoutCopy,
  freePort,
  isLive,
  pathWithoutRust,
  removeTemporaries,
  startProxy,
  temporaryDir,
  useTestCacheDirs,
  waitFor,
  writeProxyConfig,
} from "./support.js";

/** The newest release PyPI serves (`pip index versions litellm`). */
export const NEWEST_VERSION = "1.110.2";

const START_TIMEOUT_MS = 300_000;
const BUILD_TIMEOUT_MS = 900_000;

beforeAll(() => useTestCacheDirs());
afterAll(() => removeTemporaries());

function installLogOf(key: string): string {
  return path.join(launcherPaths().logs, `install-${key}.log`);
}

async function startAndWaitLive(checkout: string, python: string) {
  const entry = proxyEntry(checkout);
  const work = temporaryDir("tdm-litellm-proxy-");
  const port = await freePort();
  const proxy = startProxy({
    python,
    args: entry.args,
    pythonPath: entry.pythonPath,
    config: writeProxyConfig(work),
    port,
    cwd: work,
  });
  return { proxy, port };
}

describe("Poetry era (1.80.10)", () => {
  let checkout: string;

  beforeAll(async () => {
    checkout = await checkoutCopy(POETRY_ERA_VERSION);
  }, BUILD_TIMEOUT_MS);

  it(
    "builds an environment from the declared extras and starts the real proxy",
    async () => {
      const logger = recordingLogger();
      const environment = await ensurePythonEnvironment({
        checkoutPath: checkout,
        logger,
      });
      expect(existsSync(path.join(environment.dir, MARKER_FILE))).toBe(true);
      const marker = JSON.parse(
        readFileSync(path.join(environment.dir, MARKER_FILE), "utf8"),
      ) as { packaging: string; extras: string[] };
      expect(marker).toMatchObject({
        packaging: "declared",
        extras: ["proxy"],
      });

      const { proxy, port } = await startAndWaitLive(
        checkout,
        environment.python,
      );
      try {
        await waitFor(proxy, () => isLive(port), START_TIMEOUT_MS);
      } finally {
        await proxy.stop();
      }
    },
    BUILD_TIMEOUT_MS,
  );

  it("a no-change ensure installs nothing and answers from files", async () => {
    const first = await ensurePythonEnvironment({
      checkoutPath: checkout,
      logger: recordingLogger(),
    });
    const log = installLogOf(first.key);
    const logTime = existsSync(log) ? statSync(log).mtimeMs : 0;

    const logger = recordingLogger();
    const started = performance.now();
    const again = await ensurePythonEnvironment({
      checkoutPath: checkout,
      logger,
    });
    const elapsed = performance.now() - started;

    expect(again).toEqual({ ...first, reused: true });
    expect(logger.lines).toEqual([]);
    expect(existsSync(log) ? statSync(log).mtimeMs : 0).toBe(logTime);
    expect(elapsed).toBeLessThan(100);
    expect(tryFindReadyEnvironment({ checkoutPath: checkout })?.key).toBe(
      first.key,
    );
  });

  it("a pin with equal dependencies reuses the environment with no install", async () => {
    const first = await ensurePythonEnvironment({
      checkoutPath: checkout,
      logger: recordingLogger(),
    });
    const other = await checkoutCopy(POETRY_ERA_VERSION);
    const pyproject = path.join(other, "pyproject.toml");
    writeFileSync(
      pyproject,
      readFileSync(pyproject, "utf8").replaceAll(
        `"${POETRY_ERA_VERSION}"`,
        `"${POETRY_ERA_VERSION}.post99"`,
      ),
    );

    const logger = recordingLogger();
    const second = await ensurePythonEnvironment({
      checkoutPath: other,
      logger,
    });

    expect(second.key).toBe(first.key);
    expect(second.reused).toBe(true);
    expect(logger.lines.filter((line) => line.startsWith("step"))).toEqual([]);
  });

  it(
    "runs an edited checkout on the next start with no reinstall",
    async () => {
      const environment = await ensurePythonEnvironment({
        checkoutPath: checkout,
        logger: recordingLogger(),
      });
      const nonce = `tdm-litellm-test-edit-${Date.now()}`;
      appendFileSync(
        path.join(checkout, "litellm", "proxy", "proxy_cli.py"),
        `\nprint(${JSON.stringify(nonce)}, flush=True)\n`,
      );

      const logger = recordingLogger();
      const again = await ensurePythonEnvironment({
        checkoutPath: checkout,
        logger,
      });
      expect(again.reused).toBe(true);
      expect(logger.lines).toEqual([]);

      const { proxy } = await startAndWaitLive(checkout, environment.python);
      try {
        await waitFor(
          proxy,
          () => proxy.output().includes(nonce),
          START_TIMEOUT_MS,
        );
      } finally {
        await proxy.stop();
      }
    },
    BUILD_TIMEOUT_MS,
  );
});

describe(`maturin era, the newest release (${NEWEST_VERSION})`, () => {
  let checkout: string;
  const originalPath = process.env.PATH;

  beforeAll(async () => {
    checkout = await checkoutCopy(NEWEST_VERSION);
    process.env.PATH = pathWithoutRust();
  }, BUILD_TIMEOUT_MS);
  afterAll(() => {
    process.env.PATH = originalPath;
  });

  it(
    "builds with no Rust toolchain on PATH and starts the real proxy",
    async () => {
      await expect(execa("cargo", ["--version"])).rejects.toThrow();
      await expect(execa("rustc", ["--version"])).rejects.toThrow();

      const environment = await ensurePythonEnvironment({
        checkoutPath: checkout,
        logger: recordingLogger(),
      });
      const { proxy, port } = await startAndWaitLive(
        checkout,
        environment.python,
      );
      try {
        await waitFor(proxy, () => isLive(port), START_TIMEOUT_MS);
      } finally {
        await proxy.stop();
      }
      expect(proxy.output()).not.toMatch(/cargo|maturin/i);
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    "with a generated uv.lock, installs exactly the locked versions",
    async () => {
      const locked = await checkoutCopy(NEWEST_VERSION);
      makeLockable(locked);
      await execa("uv", ["lock"], {
        cwd: locked,
        env: { PATH: `${uvDir()}${path.delimiter}${process.env.PATH}` },
      });
      const lock = parseToml(
        readFileSync(path.join(locked, "uv.lock"), "utf8"),
      ) as { package: { name: string; version?: string }[] };
      const lockedVersions = new Map<string, Set<string>>();
      for (const entry of lock.package) {
        if (!entry.version) continue;
        const versions = lockedVersions.get(entry.name) ?? new Set<string>();
        versions.add(entry.version);
        lockedVersions.set(entry.name, versions);
      }

      const logger = recordingLogger();
      const environment = await ensurePythonEnvironment({
        checkoutPath: locked,
        logger,
      });
      const marker = JSON.parse(
        readFileSync(path.join(environment.dir, MARKER_FILE), "utf8"),
      ) as { packaging: string };
      expect(marker.packaging).toBe("uv-lock");

      const { stdout } = await execa(environment.python, [
        "-c",
        "import importlib.metadata as m, json; print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))",
      ]);
      const installed = JSON.parse(stdout) as Record<string, string>;
      const normalize = (name: string) =>
        name.toLowerCase().replace(/[-_.]+/g, "-");
      const mismatches = Object.entries(installed)
        .filter(([name]) => normalize(name) !== "litellm")
        .filter(
          ([name, version]) =>
            !lockedVersions.get(normalize(name))?.has(version),
        );
      expect(mismatches).toEqual([]);
      expect(Object.keys(installed).length).toBeGreaterThan(50);
    },
    BUILD_TIMEOUT_MS,
  );
});

/** Where the launcher put uv, when it is not on PATH. */
function uvDir(): string {
  return path.join(launcherPaths().tools, "uv", "bin");
}

/**
 * The sdist carries no uv.lock and none of the workspace members its
 * pyproject.toml names (`enterprise`, `litellm-proxy-extras`,
 * `packaging/litellm-proxy`), PyPI lacks the exact versions the `proxy`
 * extra pins for them, and some other extras and groups name packages PyPI
 * does not serve (`nemo-switchyard==0.4.0a1`, a GitHub tarball). Keep the
 * `proxy` extra without those pins, drop the rest, so `uv lock` can run.
 */
function makeLockable(checkout: string): void {
  const file = path.join(checkout, "pyproject.toml");
  const data = parseToml(readFileSync(file, "utf8")) as {
    project: { "optional-dependencies": Record<string, string[]> };
    "dependency-groups"?: unknown;
    tool: { uv: Record<string, unknown> };
  };
  const proxy = data.project["optional-dependencies"].proxy ?? [];
  data.project["optional-dependencies"] = {
    proxy: proxy.filter(
      (line) => !/^litellm-(proxy|proxy-extras|enterprise)==/.test(line),
    ),
  };
  delete data["dependency-groups"];
  for (const key of ["sources", "workspace", "default-groups"]) {
    delete data.tool.uv[key];
  }
  writeFileSync(file, stringifyToml(data));
  rmSync(path.join(checkout, "uv.lock"), { force: true });
}
