#!/usr/bin/env node
// `npm run bench`: what the launcher costs, next to the alternatives, in one
// run. Prints a table and writes the same figures as JSON. See README.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PEAK_RSS_METHOD } from "./lib/measure.mjs";
import { BIN, cliEnvironment, REPO_ROOT } from "./lib/paths.mjs";
import { prepareProject } from "./lib/project.mjs";
import { formatTable } from "./lib/table.mjs";
import { validateFigure } from "./lib/validate.mjs";

/**
 * The groups in the order they run, cheapest first. Each names its module
 * and the exports the runner calls; a module may list other functions in
 * an exported `benchmarks` array. `proxy: true` groups start real proxies.
 */
const GROUPS = [
  { id: "startup", module: "startup.mjs", exports: ["cliStartup"] },
  {
    id: "check-config",
    module: "check-config.mjs",
    exports: ["checkConfigScaling"],
  },
  { id: "up", module: "up.mjs", exports: ["proxyStart"], proxy: true },
  {
    id: "checkout",
    module: "checkout.mjs",
    exports: ["tagSwitch", "firstCloneSize"],
    titles: {
      tagSwitch: "tag switch without fetching",
      firstCloneSize: "first clone of one pin: size on disk",
    },
    issue: 3,
  },
  {
    id: "python-env",
    module: "python-env.mjs",
    exports: ["firstSync", "noChangeSync", "pinSwitch", "environmentSizes"],
    titles: {
      firstSync: 'first sync: uv vs pip install -e ".[proxy]"',
      noChangeSync: "no-change sync",
      pinSwitch: "pin switch with equal dependencies",
      environmentSizes: "environment size on disk",
    },
    issue: 5,
  },
  {
    id: "lifecycle",
    module: "lifecycle.mjs",
    exports: ["launcherResidentMemory", "proxyRss"],
    titles: {
      launcherResidentMemory:
        "RSS the launcher leaves while serving (detached, foreground) vs a waiting Node parent",
      proxyRss: "proxy RSS under the launcher vs by hand",
    },
    proxy: true,
    issue: 6,
  },
];

const USAGE = `usage: node bench/run.mjs [options]

  --quick          fewer runs per figure (about a third of the time)
  --runs <n>       exactly n measured runs for every figure
  --only <groups>  comma-separated: ${GROUPS.map((group) => group.id).join(", ")}
  --out <file>     where to write the JSON (default bench/results.json)
  -h, --help       this text
`;

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (!options) return 2;
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  const startedAt = new Date();
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-bench-"));
  const log = (message) => process.stderr.write(`bench: ${message}\n`);
  let project;
  const ctx = {
    repoRoot: REPO_ROOT,
    bin: BIN,
    env: cliEnvironment(),
    tmpDir,
    quick: options.quick,
    runs: options.runs,
    runsFor: (full, quick) => options.runs ?? (options.quick ? quick : full),
    log,
    project: () => (project ??= prepareProject({ log })),
  };

  const rows = [];
  try {
    for (const group of GROUPS) {
      if (options.only && !options.only.includes(group.id)) continue;
      rows.push(...(await runGroup(group, ctx)));
    }
  } finally {
    const prepared = await project?.catch(() => undefined);
    prepared?.remove();
    rmSync(tmpDir, { recursive: true, force: true });
  }

  const finishedAt = new Date();
  const results = {
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt - startedAt,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
      loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    options: {
      quick: options.quick,
      runs: options.runs ?? null,
      only: options.only ?? null,
    },
    methods: {
      time: "wall time from just before spawn to the child's exit (performance.now)",
      median: "median of the measured runs, after one unmeasured warm-up",
      spread: "median absolute deviation of the runs, in the figure's unit",
      ratio: "median / comparison median, both measured in this run",
      peakRss: PEAK_RSS_METHOD,
    },
    figures: rows,
  };
  const out = path.resolve(
    options.out ?? path.join(REPO_ROOT, "bench", "results.json"),
  );
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

  process.stdout.write(formatTable(rows));
  process.stdout.write(
    `\n${rows.length} rows in ${(results.durationMs / 1000).toFixed(0)} s on ${results.machine.cpus} CPUs (load ${results.machine.loadAverage.join(" ")}); JSON: ${displayPath(out)}\n`,
  );
  return rows.some((row) => row.status === "failed") ? 1 : 0;
}

/**
 * Imports a group's module and calls its benchmarks. A module that is not
 * there yet, an export it lacks, a function that throws or returns
 * something that is not a figure each become a row that says so; no row
 * ever carries a number that was not measured.
 */
async function runGroup(group, ctx) {
  const file = path.join(REPO_ROOT, "bench", group.module);
  const where = `bench/${group.module}`;
  let module;
  try {
    module = await import(file);
  } catch (error) {
    if (
      error?.code === "ERR_MODULE_NOT_FOUND" &&
      error.message.includes(file)
    ) {
      const from = group.issue ? ` (issue ${group.issue})` : "";
      return group.exports.map((name) =>
        unavailable(
          group,
          name,
          `not available yet: ${where} is not in this checkout${from}`,
        ),
      );
    }
    return [
      failed(
        group,
        group.module,
        `importing ${where} failed: ${error.message}`,
      ),
    ];
  }

  const benchmarks = Array.isArray(module.benchmarks)
    ? module.benchmarks.map((fn) => [fn?.name || "(anonymous)", fn])
    : group.exports.map((name) => [name, module[name]]);
  const rows = [];
  for (const [name, fn] of benchmarks) {
    if (typeof fn !== "function") {
      rows.push(
        unavailable(
          group,
          name,
          `not available yet: ${where} does not export ${name}()`,
        ),
      );
      continue;
    }
    ctx.log(`${group.id}: ${name}`);
    const started = performance.now();
    try {
      const result = await fn(ctx);
      const figures = Array.isArray(result) ? result : [result];
      for (const candidate of figures) {
        const problem = validateFigure(candidate);
        rows.push(
          problem
            ? failed(
                group,
                name,
                `${where} ${name}() returned an invalid figure: ${problem}`,
              )
            : { group: group.id, status: "measured", ...candidate },
        );
      }
    } catch (error) {
      rows.push(failed(group, name, `${name}() failed: ${firstLine(error)}`));
    }
    ctx.log(
      `${group.id}: ${name} took ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  return rows;
}

function unavailable(group, name, note) {
  return {
    group: group.id,
    status: "unavailable",
    name: label(group, name),
    note,
  };
}

function failed(group, name, note) {
  return { group: group.id, status: "failed", name: label(group, name), note };
}

/** What a row without a figure is about: the figure's title and its export. */
function label(group, name) {
  const title = group.titles?.[name];
  return title ? `${title} (${name})` : name;
}

function firstLine(error) {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n").slice(0, 3).join(" / ");
}

function parseOptions(argv) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        quick: { type: "boolean", default: false },
        runs: { type: "string" },
        only: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    const runs = values.runs === undefined ? undefined : Number(values.runs);
    if (runs !== undefined && !(Number.isInteger(runs) && runs >= 1)) {
      throw new Error("--runs takes a whole number of at least 1");
    }
    const only = values.only
      ?.split(",")
      .map((id) => id.trim())
      .filter(Boolean);
    const unknown = only?.filter(
      (id) => !GROUPS.some((group) => group.id === id),
    );
    if (unknown?.length) {
      throw new Error(`unknown group ${unknown.join(", ")} in --only`);
    }
    return {
      quick: values.quick,
      runs,
      only,
      out: values.out,
      help: values.help,
    };
  } catch (error) {
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
    return undefined;
  }
}

function displayPath(file) {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") ? relative : file;
}

process.exitCode = await main();
