// Issue 6: what the launcher costs while the proxy serves. Two figures for
// bench/run.mjs (contract in bench/README.md), each measured side by side
// with its alternative in the same run:
//
// - launcherResidentMemory: the summed RSS of every process the launcher
//   leaves while the proxy serves, after `up --detach` and after a
//   foreground `up` (goal 0 bytes), against a Node parent that waits on the
//   proxy (`node dist/cli.js up`, the launcher's own fallback without the
//   entry script).
// - proxyRss: the proxy's own RSS (its process tree) under the launcher,
//   detached (the mode with the log thread), against the same checkout and
//   config started by hand with the same Python:
//   `python -m litellm.proxy.proxy_cli` in the checkout after `. ../.env`.
//
// Everything is read from /proc. Self-contained on purpose (no import from
// bench/lib), so it runs with any runner that passes the context.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { freePort, probe } from "./lib/proxy.mjs";
import { figure } from "./lib/stats.mjs";

/* global fetch, AbortSignal */

const HEALTH_TIMEOUT_MS = 300_000;
/** After the first 200, how long the proxy settles before RSS is read. */
const SETTLE_MS = 5_000;
/** How long a foreground start watcher may take to print and exit. */
const WATCHER_EXIT_MS = 15_000;
const MIB = 1024 * 1024;

/**
 * Resident memory left by the launcher while the proxy serves, detached
 * and foreground, each against a waiting Node parent.
 */
export async function launcherResidentMemory(ctx) {
  const project = await ctx.project();
  const runs = runsOf(ctx, 2, 1);
  const detached = [];
  const foreground = [];
  const nodeParent = [];
  for (let run = 0; run < runs; run++) {
    detached.push(await leftByDetachedUp(ctx, project));
    foreground.push(await leftByForegroundUp(ctx, project));
    nodeParent.push(await leftByWaitingNodeParent(ctx, project));
    ctx.log?.(
      `launcher RSS left, run ${run + 1}: detached ${detached.at(-1)} B, foreground ${foreground.at(-1)} B, Node parent ${nodeParent.at(-1)} B`,
    );
  }
  const comparison = {
    name: "a Node parent waiting on the proxy (node dist/cli.js up)",
    samples: nodeParent,
  };
  return [
    figure({
      name: "launcher RSS left while serving, up --detach",
      unit: "bytes",
      samples: detached,
      comparison,
      goal: { field: "median", max: 0 },
      note: "sum of VmRSS of every launcher process (entry script, node, start watcher) alive once the proxy answers",
    }),
    figure({
      name: "launcher RSS left while serving, foreground up",
      unit: "bytes",
      samples: foreground,
      comparison,
      goal: { field: "median", max: 0 },
      note: "the proxy's ancestors up to the bench and any launcher process, once the start watcher printed the URLs",
    }),
  ];
}

/** The proxy's own RSS under the launcher against the same start by hand. */
export async function proxyRss(ctx) {
  const project = await ctx.project();
  const runs = runsOf(ctx, 3, 1);
  const launched = [];
  const byHand = [];
  for (let run = 0; run < runs; run++) {
    launched.push(await proxyRssUnderLauncher(ctx, project));
    byHand.push(await proxyRssByHand(project));
    ctx.log?.(
      `proxy RSS, run ${run + 1}: launcher ${mib(launched.at(-1))} MiB, by hand ${mib(byHand.at(-1))} MiB`,
    );
  }
  return figure({
    name: "proxy RSS under the launcher (detached)",
    unit: "MiB",
    samples: launched.map(mib),
    comparison: {
      name: "same checkout and config by hand: python -m litellm.proxy.proxy_cli",
      samples: byHand.map(mib),
    },
    goal: { field: "ratio", max: 1 },
    note: `sum of VmRSS of the proxy's process tree ${SETTLE_MS / 1000} s after its first 200 from /health/liveliness`,
  });
}

/** Both figures as plain numbers, for a caller without the runner. */
export async function measureLifecycle(ctx) {
  return {
    launcherResidentMemory: await launcherResidentMemory(ctx),
    proxyRss: await proxyRss(ctx),
  };
}

async function leftByDetachedUp(ctx, project) {
  const port = await usePort(project);
  const up = await runToEnd(ctx.bin, ["up", "--detach"], project);
  if (up.code !== 0) throw new Error(`up --detach failed:\n${up.output}`);
  try {
    const pid = recordedPid(project.dir);
    await assertHealthy(port);
    return sumRss(launcherProcesses(ctx, project.dir, pid));
  } finally {
    await runToEnd(ctx.bin, ["down"], project);
  }
}

async function leftByForegroundUp(ctx, project) {
  const port = await usePort(project);
  const child = startInGroup(ctx.bin, ["up"], project);
  try {
    await waitHealthy(port, () => isAlive(child.pid));
    // The entry script exec'd the proxy: the PID we started is the proxy.
    const pid = child.pid;
    const deadline = performance.now() + WATCHER_EXIT_MS;
    while (
      launcherProcesses(ctx, project.dir, pid).length > 0 &&
      performance.now() < deadline
    ) {
      await sleep(100);
    }
    const left = new Set(launcherProcesses(ctx, project.dir, pid));
    for (const ancestor of ancestorsOf(pid)) {
      if (ancestor === process.pid) break;
      left.add(ancestor);
    }
    return sumRss([...left]);
  } finally {
    await stopGroup(child.pid);
  }
}

async function leftByWaitingNodeParent(ctx, project) {
  const port = await usePort(project);
  const cli = path.join(ctx.repoRoot, "dist", "cli.js");
  const child = startInGroup(process.execPath, [cli, "up"], project);
  try {
    await waitHealthy(port, () => isAlive(child.pid));
    await sleep(SETTLE_MS);
    return sumRss([child.pid]);
  } finally {
    await runToEnd(ctx.bin, ["down"], project);
    await stopGroup(child.pid);
  }
}

async function proxyRssUnderLauncher(ctx, project) {
  const port = await usePort(project);
  const up = await runToEnd(ctx.bin, ["up", "--detach"], project);
  if (up.code !== 0) throw new Error(`up --detach failed:\n${up.output}`);
  try {
    const pid = recordedPid(project.dir);
    await assertHealthy(port);
    await sleep(SETTLE_MS);
    return sumRss(processTree(pid));
  } finally {
    await runToEnd(ctx.bin, ["down"], project);
  }
}

/**
 * What a user types in the checkout after `set -a; . ../.env`: the
 * environment's Python, the checkout importable, LiteLLM's own CLI module.
 */
async function proxyRssByHand(project) {
  const port = await freePort();
  const env = {
    ...cliEnv(project),
    ...project.dotenv(),
    PYTHONPATH: project.checkoutDir,
  };
  for (const name of ["XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"]) {
    delete env[name];
  }
  const child = spawn(
    project.python,
    [
      "-m",
      "litellm.proxy.proxy_cli",
      "--config",
      project.configPath,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    { cwd: project.checkoutDir, env, detached: true, stdio: "ignore" },
  );
  try {
    await waitHealthy(port, () => isAlive(child.pid));
    await sleep(SETTLE_MS);
    return sumRss(processTree(child.pid));
  } finally {
    await stopGroup(child.pid);
  }
}

async function usePort(project) {
  const port = await freePort();
  project.setPort(port);
  return port;
}

function recordedPid(projectDir) {
  const state = JSON.parse(
    readFileSync(path.join(projectDir, ".tdm-litellm", "proxy.json"), "utf8"),
  );
  return state.pid;
}

/**
 * Live processes of the launcher for this project outside the proxy's own
 * tree: the entry script, Node running dist/cli.js, the start watcher.
 */
function launcherProcesses(ctx, projectDir, proxyPid) {
  const proxy = new Set(processTree(proxyPid));
  const markers = [
    path.join(ctx.repoRoot, "dist"),
    path.join(ctx.repoRoot, "bin", "tdm-litellm"),
  ];
  return listPids().filter((pid) => {
    if (proxy.has(pid) || pid === process.pid || !isAlive(pid)) return false;
    const argv = argvOf(pid).join(" ");
    return (
      markers.some((marker) => argv.includes(marker)) &&
      cwdOf(pid) === projectDir
    );
  });
}

function runsOf(ctx, full, quick) {
  return typeof ctx.runsFor === "function" ? ctx.runsFor(full, quick) : full;
}

function mib(bytes) {
  return Number((bytes / MIB).toFixed(1));
}

// ---- processes, from /proc ----

function listPids() {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

function statOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0], ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

function isAlive(pid) {
  const stat = statOf(pid);
  return stat !== undefined && stat.state !== "Z";
}

function argvOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8")
      .replace(/\0+$/, "")
      .split("\0");
  } catch {
    return [];
  }
}

function cwdOf(pid) {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kib ? Number(kib) * 1024 : 0;
  } catch {
    return 0;
  }
}

function sumRss(pids) {
  return pids.reduce((sum, pid) => sum + rssOf(pid), 0);
}

function processTree(root) {
  const children = new Map();
  for (const pid of listPids()) {
    const stat = statOf(pid);
    if (!stat) continue;
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const tree = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift();
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function ancestorsOf(pid) {
  const chain = [];
  let current = statOf(pid)?.ppid;
  while (current !== undefined && current > 1) {
    chain.push(current);
    current = statOf(current)?.ppid;
  }
  return chain;
}

// ---- children and the proxy's health ----

/**
 * The CLI's environment without a plan file of an outer entry script, so
 * `node dist/cli.js up` waits on the proxy instead of writing a plan.
 */
function cliEnv(project) {
  const env = { ...project.env };
  delete env.TDM_LITELLM_EXEC_PLAN;
  return env;
}

function startInGroup(command, args, project) {
  const child = spawn(command, args, {
    cwd: project.dir,
    env: cliEnv(project),
    detached: true,
    stdio: "ignore",
  });
  child.on("error", () => undefined);
  return child;
}

function runToEnd(command, args, project) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: project.dir,
      env: cliEnv(project),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ code, output }));
  });
}

async function waitHealthy(port, isRunning) {
  const deadline = performance.now() + HEALTH_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if ((await probe(port)) === 200) return;
    if (!isRunning()) throw new Error(`the proxy on port ${port} exited`);
    await sleep(100);
  }
  throw new Error(`the proxy on port ${port} did not answer in time`);
}

async function assertHealthy(port) {
  if ((await probe(port)) !== 200) {
    throw new Error(`the proxy on port ${port} does not answer`);
  }
}

async function stopGroup(pgid) {
  const signal = (name) => {
    try {
      process.kill(-pgid, name);
    } catch {
      // Already gone.
    }
  };
  const alive = () => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  signal("SIGINT");
  const deadline = performance.now() + 15_000;
  while (alive() && performance.now() < deadline) await sleep(100);
  while (alive()) {
    signal("SIGKILL");
    await sleep(100);
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
