import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { inspectProxy } from "./inspect.js";
import { tryReadStartTime } from "./process-info.js";
import { stateFilePath, writeProxyState, type ProxyState } from "./state.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-inspect-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A stand-in for the proxy's liveliness endpoint with a chosen answer. */
async function livelinessServer(status: number): Promise<number> {
  const server = http.createServer((request, response) => {
    response.writeHead(request.url === "/health/liveliness" ? status : 404, {
      "Content-Type": "application/json",
    });
    response.end(JSON.stringify("I'm alive!"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

function stateFor(pid: number, port: number): ProxyState {
  return {
    pid,
    startTime: tryReadStartTime(pid) ?? 1,
    mode: "detached",
    host: "127.0.0.1",
    port,
    configPath: "/p/config.yaml",
    environmentDir: "/cache/envs/x",
    startedAt: new Date(Date.now() - 90_000).toISOString(),
  };
}

describe("inspectProxy", () => {
  it("reports nothing when nothing was started", async () => {
    expect(await inspectProxy(project())).toEqual({
      running: false,
      staleNote: undefined,
    });
  });

  it("reports a running, answering proxy with its facts", async () => {
    const dir = project();
    const port = await livelinessServer(200);
    writeProxyState(dir, stateFor(process.pid, port));

    const found = await inspectProxy(dir);
    expect(found.running).toBe(true);
    if (!found.running) return;
    expect(found.healthy).toBe(true);
    expect(found.liveliness).toEqual({
      status: 200,
      body: "I'm alive!",
      error: undefined,
    });
    expect(found.uptimeSeconds).toBeGreaterThanOrEqual(90);
    expect(found.uptimeSeconds).toBeLessThan(120);
    expect(found.processCount).toBeGreaterThanOrEqual(1);
    expect(found.residentBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(found.urls).toEqual({
      api: `http://127.0.0.1:${port}/v1`,
      ui: `http://127.0.0.1:${port}/ui`,
      liveliness: `http://127.0.0.1:${port}/health/liveliness`,
    });
  });

  it("tells a running proxy that does not answer 200 (exit 3)", async () => {
    const dir = project();
    const port = await livelinessServer(503);
    writeProxyState(dir, stateFor(process.pid, port));
    const found = await inspectProxy(dir);
    expect(found).toMatchObject({ running: true, healthy: false });
  });

  it("clears the state of a proxy that is gone, with a note", async () => {
    const dir = project();
    const gone = spawnSync("true").pid;
    writeProxyState(dir, stateFor(gone, 4000));
    expect(await inspectProxy(dir)).toEqual({
      running: false,
      staleNote: `the proxy recorded as PID ${gone} is no longer running; cleared its stale state`,
    });
    expect(existsSync(stateFilePath(dir))).toBe(false);
  });
});
