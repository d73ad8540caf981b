import net from "node:net";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { sleep } from "./measure.mjs";

/* global fetch, AbortSignal */

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The status of the proxy's liveliness endpoint, or undefined. */
export async function probe(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/liveliness`, {
      signal: AbortSignal.timeout(1_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

/** Polls until the liveliness answer is 200; the time it came, or undefined. */
export async function waitHealthy(port, { timeoutMs, intervalMs, isAlive }) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await probe(port)) === 200) return performance.now();
    if (!isAlive()) return undefined;
    await sleep(intervalMs);
  }
  return undefined;
}

/** Whether a process or any member of its process group is alive. */
export function isGroupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends a proxy the bench started in its own process group: SIGINT (what
 * Ctrl-C sends), SIGKILL to the group after the grace period.
 */
export async function stopGroup(pgid, graceMs = 15_000) {
  const signal = (name) => {
    try {
      process.kill(-pgid, name);
    } catch {
      // Already gone.
    }
  };
  signal("SIGINT");
  const deadline = performance.now() + graceMs;
  while (isGroupAlive(pgid) && performance.now() < deadline) await sleep(100);
  while (isGroupAlive(pgid)) {
    signal("SIGKILL");
    await sleep(100);
  }
}
