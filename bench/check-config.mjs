import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { writeGeneratedConfig } from "./lib/configs.mjs";
import { timeCommand } from "./lib/measure.mjs";
import { testCacheDir } from "./lib/paths.mjs";
import { figure } from "./lib/stats.mjs";

/** Goal from issue 4: 1,000 deployments in under 300 ms, whole process. */
const GOAL_MS = { 1_000: 300 };
const SIZES = [10, 1_000, 10_000];

/**
 * `tdm-litellm check-config` on generated configs of 10, 1,000 and 10,000
 * deployments: wall time and peak RSS of the whole process. The comparison
 * is the first thing LiteLLM itself does with the file, `yaml.safe_load`
 * in a Python with PyYAML, so the ratio says what the full check costs
 * over merely reading the YAML.
 */
export async function checkConfigScaling(ctx) {
  const python = findPythonWithPyYaml();
  const env = {
    ...ctx.env,
    LM_STUDIO_API_BASE: "http://127.0.0.1:9/v1",
    LITELLM_MASTER_KEY: "sk-bench-0123456789abcdefghijklmnopqrstuv",
  };
  const figures = [];
  for (const size of SIZES) {
    const file = writeGeneratedConfig(ctx.tmpDir, size);
    const runs = size >= 10_000 ? ctx.runsFor(3, 2) : ctx.runsFor(7, 3);
    const ours = { ms: [], rssMb: [] };
    const theirs = { ms: [], rssMb: [] };
    const check = [ctx.bin, "check-config", file];
    const load = python && [
      python,
      "-c",
      "import sys, yaml\nwith open(sys.argv[1]) as f: yaml.safe_load(f)",
      file,
    ];

    const first = await timeCommand(check, { env, capture: true });
    if (first.exitCode !== 0) {
      throw new Error(
        `check-config of ${size} deployments exited ${first.exitCode}: ${first.stdout}${first.stderr}`,
      );
    }
    for (let round = 0; round < runs; round += 1) {
      const result = await timeCommand(check, { env, peakRss: true });
      ours.ms.push(result.ms);
      ours.rssMb.push(result.maxRssKb / 1024);
      // PyYAML's pure-Python loader takes tens of seconds on the largest
      // file; one run of it is enough for a ratio.
      if (!load || (size >= 10_000 && round > 0)) continue;
      const baseline = await timeCommand(load, { env, peakRss: true });
      theirs.ms.push(baseline.ms);
      theirs.rssMb.push(baseline.maxRssKb / 1024);
    }

    const label = `check-config, ${size.toLocaleString("en")} deployments`;
    const comparisonName = "python yaml.safe_load of the same file";
    const note = python
      ? undefined
      : "no Python with PyYAML found for the comparison";
    figures.push(
      figure({
        name: `${label}: time`,
        unit: "ms",
        samples: ours.ms,
        comparison: load && { name: comparisonName, samples: theirs.ms },
        goal: GOAL_MS[size] && { field: "median", max: GOAL_MS[size] },
        note,
      }),
      figure({
        name: `${label}: peak RSS`,
        unit: "MB",
        samples: ours.rssMb,
        comparison: load && { name: comparisonName, samples: theirs.rssMb },
        note,
      }),
    );
  }
  return figures;
}

/**
 * A Python interpreter with PyYAML: an environment the launcher built in
 * the shared test cache (LiteLLM depends on PyYAML), else the one the
 * differential YAML test uses, else the system's.
 */
function findPythonWithPyYaml() {
  const candidates = [];
  const envs = path.join(testCacheDir("xdg", "cache"), "tdm-litellm", "envs");
  if (existsSync(envs)) {
    for (const entry of readdirSync(envs)) {
      candidates.push(path.join(envs, entry, "bin", "python"));
    }
  }
  const tests = testCacheDir();
  for (const entry of readdirSync(tests)) {
    if (entry.startsWith("pyyaml-")) {
      candidates.push(path.join(tests, entry, "venv", "bin", "python"));
    }
  }
  candidates.push("python3");
  return candidates.find((candidate) => {
    const probe = spawnSync(candidate, ["-c", "import yaml"], {
      stdio: "ignore",
    });
    return probe.status === 0;
  });
}
