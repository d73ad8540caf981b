import { spawn } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sleep, timeCommand, tryReadExe } from "./lib/measure.mjs";
import { freePort, probe, stopGroup, waitHealthy } from "./lib/proxy.mjs";
import { figure } from "./lib/stats.mjs";

/** Goal from issue 7: a warm `up` adds under 300 ms before the proxy starts. */
const OVERHEAD_GOAL_MS = 300;
const START_TIMEOUT_MS = 180_000;
const HEALTH_POLL_MS = 50;
const EXEC_POLL_MS = 1;
const PORT_RELEASE_TIMEOUT_MS = 30_000;

/**
 * The proxy's start, side by side with the same checkout, config and
 * environment started by hand, in alternating order round by round.
 *
 * - Warm `up` overhead: from spawning `tdm-litellm up` (foreground, through
 *   the sh entry script, nothing to sync) to the moment that process's
 *   /proc/<pid>/exe first names a Python interpreter, i.e. the entry
 *   script exec'd into the plan Node left (polled every millisecond). The
 *   comparison is `tdm-litellm --version`, the cheapest launcher command.
 * - Time to healthy: from spawn to the first 200 from /health/liveliness
 *   (polled every 50 ms), `tdm-litellm up` against what a user types in the
 *   checkout with the project's .env exported:
 *   `<env>/bin/python -m litellm.proxy.proxy_cli --config <config>
 *   --host 127.0.0.1 --port <port>` (1.80.10 has no `litellm.proxy`
 *   __main__, so `python -m litellm.proxy` does not run there).
 */
export async function proxyStart(ctx) {
  const project = await ctx.project();
  const port = await freePort();
  project.setPort(port);
  const rounds = ctx.runsFor(3, 2);

  // The first start after a checkout compiles LiteLLM's bytecode into the
  // tree; neither side should pay for that, so one unmeasured start first.
  ctx.log("warming up: one unmeasured start of the proxy");
  await startWithLauncher(project, port);

  const overhead = [];
  const launcher = [];
  const proxyOwn = [];
  const byHand = [];
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? ["hand", "up"] : ["up", "hand"];
    for (const side of order) {
      ctx.log(`round ${round + 1}/${rounds}: ${side}`);
      if (side === "up") {
        const result = await startWithLauncher(project, port);
        overhead.push(result.execMs);
        launcher.push(result.healthyMs);
        proxyOwn.push(result.healthyMs - result.execMs);
      } else {
        byHand.push((await startByHand(project, port)).healthyMs);
      }
    }
  }

  const version = [];
  for (let round = 0; round < ctx.runsFor(10, 5); round += 1) {
    version.push(
      (await timeCommand([ctx.bin, "--version"], { env: project.env })).ms,
    );
  }

  return [
    figure({
      name: "warm up: launcher time before the proxy's process",
      unit: "ms",
      samples: overhead,
      comparison: { name: "tdm-litellm --version", samples: version },
      goal: { field: "median", max: OVERHEAD_GOAL_MS },
      note: "spawn to /proc/<pid>/exe becoming python (polled every 1 ms)",
    }),
    figure({
      name: "command to healthy: tdm-litellm up",
      unit: "ms",
      samples: launcher,
      comparison: {
        name: "by hand: python -m litellm.proxy.proxy_cli",
        samples: byHand,
      },
      goal: { field: "ratio", max: 1 },
      note: "spawn to first 200 from /health/liveliness (polled every 50 ms)",
    }),
    figure({
      name: "the proxy's own start under the launcher (exec to healthy)",
      unit: "ms",
      samples: proxyOwn,
      comparison: {
        name: "by hand: python -m litellm.proxy.proxy_cli",
        samples: byHand,
      },
      note: "the previous row less the launcher's time: the proxy's environment, not the launcher",
    }),
  ];
}

async function startWithLauncher(project, port) {
  const started = performance.now();
  const child = spawn(project.bin, ["up"], {
    cwd: project.dir,
    env: project.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collect(child);
  let execAt;
  const watch = setInterval(() => {
    const exe = tryReadExe(child.pid);
    if (exe && /python/.test(path.basename(exe))) {
      execAt = performance.now();
      clearInterval(watch);
    }
  }, EXEC_POLL_MS);
  try {
    const healthyAt = await waitHealthy(port, {
      timeoutMs: START_TIMEOUT_MS,
      intervalMs: HEALTH_POLL_MS,
      isAlive: () => child.exitCode === null && child.signalCode === null,
    });
    if (healthyAt === undefined || execAt === undefined) {
      throw new Error(`tdm-litellm up did not become healthy:\n${output()}`);
    }
    return { execMs: execAt - started, healthyMs: healthyAt - started };
  } finally {
    clearInterval(watch);
    await stop(child, port);
  }
}

async function startByHand(project, port) {
  const started = performance.now();
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
    {
      cwd: project.checkoutDir,
      // `set -a; . ../.env; set +a` in the user's shell: the shell's own
      // variables win, as they do under the launcher.
      env: { ...project.dotenv(), ...project.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output = collect(child);
  try {
    const healthyAt = await waitHealthy(port, {
      timeoutMs: START_TIMEOUT_MS,
      intervalMs: HEALTH_POLL_MS,
      isAlive: () => child.exitCode === null && child.signalCode === null,
    });
    if (healthyAt === undefined) {
      throw new Error(
        `the hand-started proxy did not become healthy:\n${output()}`,
      );
    }
    return { healthyMs: healthyAt - started };
  } finally {
    await stop(child, port);
  }
}

/** The last few kB of a child's output, for error messages. */
function collect(child) {
  let text = "";
  const keep = (chunk) => {
    text = (text + chunk).slice(-4_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return () => text;
}

async function stop(child, port) {
  const closed = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.on("close", resolve);
  });
  await stopGroup(child.pid);
  await closed;
  // The next start must find the port free.
  const deadline = performance.now() + PORT_RELEASE_TIMEOUT_MS;
  while ((await probe(port)) !== undefined) {
    if (performance.now() > deadline) {
      throw new Error(`port ${port} still answers after the proxy stopped`);
    }
    await sleep(100);
  }
}
