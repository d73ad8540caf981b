// Measures the Python environment work of `tdm-litellm sync`. Each export
// is an async function returning plain figures (milliseconds, bytes); a
// bench runner calls them and prints them side by side. Needs `npm run
// build` first. Release sources come from PyPI's sdists, cached in
// ~/.cache/tdm-litellm-tests (or TDM_LITELLM_TEST_CACHE), shared with the
// tests.
import { execa } from "execa";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { figure } from "./lib/stats.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(ROOT, "dist", "cli.js");

/** The Poetry-era release: the newest ones need Rust for `pip install -e`. */
export const BENCH_VERSION = "1.80.10";

function cacheRoot() {
  return (
    process.env.TDM_LITELLM_TEST_CACHE ??
    path.join(os.homedir(), ".cache", "tdm-litellm-tests")
  );
}

/** The unpacked sdist of a release, downloaded once and hash-checked. */
export async function releaseSource(version = BENCH_VERSION) {
  const dir = path.join(cacheRoot(), "releases", version);
  const unpacked = path.join(dir, "src");
  if (existsSync(path.join(unpacked, "pyproject.toml"))) return unpacked;
  mkdirSync(dir, { recursive: true });
  const index = await (
    await fetch("https://pypi.org/simple/litellm/", {
      headers: { Accept: "application/vnd.pypi.simple.v1+json" },
    })
  ).json();
  const file = index.files.find(
    (entry) => entry.filename === `litellm-${version}.tar.gz`,
  );
  if (!file) throw new Error(`PyPI has no sdist of litellm ${version}`);
  const bytes = Buffer.from(await (await fetch(file.url)).arrayBuffer());
  const digest = createHash("sha256").update(bytes).digest("hex");
  if (file.hashes?.sha256 && digest !== file.hashes.sha256) {
    throw new Error(`litellm ${version}: sha256 mismatch`);
  }
  const archive = path.join(dir, file.filename);
  writeFileSync(archive, bytes);
  const staging = mkdtempSync(path.join(dir, "staging-"));
  await execa("tar", ["-xzf", archive, "-C", staging]);
  const [top] = readdirSync(staging);
  rmSync(unpacked, { recursive: true, force: true });
  renameSync(path.join(staging, top), unpacked);
  rmSync(staging, { recursive: true, force: true });
  return unpacked;
}

/** A scratch project: a checkout copy, its tdm-litellm.yaml, XDG dirs. */
async function scratchProject({ version = BENCH_VERSION, xdg, edit } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-bench-"));
  const checkout = path.join(dir, "litellm");
  cpSync(await releaseSource(version), checkout, { recursive: true });
  if (edit) edit(checkout);
  writeFileSync(
    path.join(dir, "tdm-litellm.yaml"),
    "litellm:\n  path: litellm\n",
  );
  const home = xdg ?? path.join(dir, "xdg");
  const env = {
    XDG_CACHE_HOME: path.join(home, "cache"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_STATE_HOME: path.join(home, "state"),
    UV_CACHE_DIR: process.env.UV_CACHE_DIR ?? path.join(cacheRoot(), "uv"),
    FORCE_COLOR: "0",
  };
  return {
    dir,
    checkout,
    env,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function timedSync(project) {
  const started = performance.now();
  const result = await execa("node", [CLI, "sync"], {
    cwd: project.dir,
    env: project.env,
    all: true,
  });
  return { ms: performance.now() - started, output: result.all };
}

/** `✓ title: note (1.4 s)` lines of a sync, as { title: ms }. */
function phases(output) {
  const found = {};
  for (const line of output.split("\n")) {
    const match = /^✓ (.+?)(?::[^(]*)? \((\d+(?:\.\d+)?) (ms|s)\)$/.exec(line);
    if (!match) continue;
    found[match[1]] = Number(match[2]) * (match[3] === "s" ? 1000 : 1);
  }
  return found;
}

/** Apparent size in bytes, links not followed. */
export function sizeOnDisk(dir) {
  let total = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop();
    const stat = lstatSync(current, { throwIfNoEntry: false });
    if (!stat) continue;
    total += stat.size;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(current)) {
        pending.push(path.join(current, entry));
      }
    }
  }
  return total;
}

/**
 * First sync with uv (the launcher's whole `sync`: interpreter choice,
 * venv, install, import probe) against `python -m venv` plus `pip install
 * -e ".[proxy]"` of the same checkout, on the Poetry-era release (pip's
 * editable install of a maturin-era checkout needs a Rust toolchain). Both
 * use their own download caches as they are, unless `cold` is set, which
 * gives uv an empty cache and pip `--no-cache-dir`.
 */
export async function firstSyncUvVsPip({
  version = BENCH_VERSION,
  cold = false,
  python = "python3.11",
} = {}) {
  const project = await scratchProject({ version });
  const uvCache = cold ? path.join(project.dir, "uv-cache") : undefined;
  if (uvCache) project.env.UV_CACHE_DIR = uvCache;
  try {
    const uv = await timedSync(project);
    const envs = path.join(project.env.XDG_CACHE_HOME, "tdm-litellm", "envs");
    const [key] = readdirSync(envs).filter((name) =>
      /^[0-9a-f]{16}$/.test(name),
    );

    const venv = path.join(project.dir, "pip-venv");
    const pipStarted = performance.now();
    await execa(python, ["-m", "venv", venv]);
    await execa(
      path.join(venv, "bin", "python"),
      [
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        ...(cold ? ["--no-cache-dir"] : []),
        "-e",
        ".[proxy]",
      ],
      { cwd: project.checkout },
    );
    const pipMs = performance.now() - pipStarted;
    const uvPhases = phases(uv.output);
    const sum = (test) =>
      Object.entries(uvPhases)
        .filter(([title]) => test(title))
        .reduce((total, [, ms]) => total + ms, 0);
    const uvToolMs = sum((title) => title.startsWith("installing uv "));
    const installMs = sum(
      (title) =>
        /^(creating|installing|fetching)/.test(title) &&
        !title.startsWith("installing uv "),
    );
    const probeMs = sum((title) => title.startsWith("checking"));
    return {
      version,
      cold,
      uvSyncMs: Math.round(uv.ms),
      // Installing uv itself with pip: once per machine, in the total.
      uvToolInstallMs: Math.round(uvToolMs),
      // venv, dependencies, LiteLLM's sub-packages, compiled extension.
      uvInstallMs: Math.round(installMs),
      // The import probe pip's side does not run.
      probeMs: Math.round(probeMs),
      uvPhasesMs: uvPhases,
      pipInstallEditableMs: Math.round(pipMs),
      uvEnvBytes: sizeOnDisk(path.join(envs, key)),
      pipEnvBytes: sizeOnDisk(venv),
      installRatio: Number((installMs / pipMs).toFixed(3)),
      syncWithoutToolRatio: Number(((uv.ms - uvToolMs) / pipMs).toFixed(3)),
    };
  } finally {
    project.remove();
  }
}

/**
 * The whole `tdm-litellm sync` process when nothing changed, after one
 * sync that built or found the environment: median and all runs.
 */
export async function measureNoChangeSync({
  version = BENCH_VERSION,
  runs = 7,
} = {}) {
  const project = await scratchProject({
    version,
    xdg: path.join(cacheRoot(), "xdg"),
  });
  try {
    await timedSync(project);
    const times = [];
    for (let run = 0; run < runs; run += 1) {
      const { ms, output } = await timedSync(project);
      if (!output.includes("up to date")) {
        throw new Error(`a no-change sync did work:\n${output}`);
      }
      times.push(Math.round(ms));
    }
    const node = [];
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      await execa("node", ["-e", ""]);
      node.push(Math.round(performance.now() - started));
    }
    return {
      version,
      medianMs: median(times),
      runsMs: times,
      nodeStartMedianMs: median(node),
    };
  } finally {
    project.remove();
  }
}

/**
 * Two pins whose dependencies are equal (the release, and the same with
 * another version string): sync one, then time the switch to the other.
 */
export async function switchBetweenEqualPins({ version = BENCH_VERSION } = {}) {
  const xdg = path.join(cacheRoot(), "xdg");
  const first = await scratchProject({ version, xdg });
  const second = await scratchProject({
    version,
    xdg,
    edit: (checkout) => {
      const file = path.join(checkout, "pyproject.toml");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replaceAll(
          `"${version}"`,
          `"${version}.post1"`,
        ),
      );
    },
  });
  try {
    await timedSync(first);
    const { ms, output } = await timedSync(second);
    return {
      version,
      switchMs: Math.round(ms),
      installed: !output.includes("up to date"),
    };
  } finally {
    first.remove();
    second.remove();
  }
}

/** Every environment in the launcher's (or the tests') cache, by size. */
export async function listEnvironmentSizes({
  cacheHome = path.join(cacheRoot(), "xdg", "cache"),
} = {}) {
  const envs = path.join(cacheHome, "tdm-litellm", "envs");
  if (!existsSync(envs)) return [];
  return readdirSync(envs)
    .filter((name) => /^[0-9a-f]{16}$/.test(name))
    .map((key) => {
      const dir = path.join(envs, key);
      let marker = {};
      try {
        marker = JSON.parse(
          readFileSync(path.join(dir, "tdm-litellm-env.json"), "utf8"),
        );
      } catch {
        // An unfinished build: reported without its details.
      }
      return {
        key,
        bytes: sizeOnDisk(dir),
        packaging: marker.packaging ?? null,
        python: marker.pythonVersion ?? null,
        complete: marker.complete === true,
      };
    });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// The runner's figures (see bench/README.md), built from the measurements
// above. The first sync is measured once and shared with the sizes.
let firstSyncResult;
function firstSyncOnce() {
  firstSyncResult ??= firstSyncUvVsPip();
  return firstSyncResult;
}

export async function firstSync() {
  const result = await firstSyncOnce();
  return figure({
    name: "first sync: tdm-litellm sync with uv",
    unit: "ms",
    samples: [result.uvSyncMs - result.uvToolInstallMs],
    comparison: {
      name: 'python -m venv + pip install -e ".[proxy]"',
      samples: [result.pipInstallEditableMs],
    },
    goal: { field: "ratio", max: 0.333 },
    note: `${result.version}; install alone ${result.uvInstallMs} ms, import probe ${result.probeMs} ms; installing uv itself (${result.uvToolInstallMs} ms, once per machine) left out`,
  });
}

export async function noChangeSync(ctx) {
  const result = await measureNoChangeSync({ runs: ctx.runsFor(7, 3) });
  return figure({
    name: "no-change sync, whole process",
    unit: "ms",
    samples: result.runsMs,
    comparison: { name: "node -e ''", samples: [result.nodeStartMedianMs] },
    goal: { field: "median", max: 100 },
  });
}

export async function pinSwitch() {
  const result = await switchBetweenEqualPins();
  return [
    figure({
      name: "pin switch with equal dependencies: sync, whole process",
      unit: "ms",
      samples: [result.switchMs],
    }),
    figure({
      name: "pin switch with equal dependencies: installs",
      unit: "count",
      samples: [result.installed ? 1 : 0],
      goal: { field: "median", max: 0 },
    }),
  ];
}

export async function environmentSizes() {
  const result = await firstSyncOnce();
  return figure({
    name: `environment size on disk (${result.version}, uv)`,
    unit: "MB",
    samples: [result.uvEnvBytes / 1e6],
    comparison: {
      name: 'pip install -e ".[proxy]" venv',
      samples: [result.pipEnvBytes / 1e6],
    },
  });
}
