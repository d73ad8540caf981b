import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PROXY_MARKER } from "./launch.js";
import { isPortFree, summarise, tryFindPortHolder } from "./port.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function listen(): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => server.close());
  return { server, port: (server.address() as net.AddressInfo).port };
}

async function freePort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Python process that looks like our proxy and listens on the port. */
async function fakeProxy(port: number, cwd: string): Promise<ChildProcess> {
  const code = [
    `# ${PROXY_MARKER}`,
    "import socket, sys, time",
    "s = socket.socket()",
    "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
    `s.bind(("127.0.0.1", ${port}))`,
    "s.listen()",
    "print('ready', flush=True)",
    "time.sleep(60)",
  ].join("\n");
  const child = spawn("python3", ["-c", code, "--port", String(port)], {
    cwd,
    stdio: ["ignore", "pipe", "inherit"],
  });
  cleanups.push(() => child.kill("SIGKILL"));
  await new Promise((resolve) => child.stdout.once("data", resolve));
  return child;
}

describe("the port check", () => {
  it("tells a free port from a taken one", async () => {
    const { port } = await listen();
    expect(await isPortFree("127.0.0.1", port)).toBe(false);
    expect(await isPortFree("127.0.0.1", await freePort())).toBe(true);
  });

  it("names another program holding the port", async () => {
    const { port } = await listen();
    const holder = tryFindPortHolder(port);
    expect(holder?.pid).toBe(process.pid);
    expect(holder?.command).toContain("node");
    expect(holder?.ourProxy).toBeUndefined();
  });

  it("recognises a proxy of ours and its project", async () => {
    const dir = realpathSync(
      mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-port-")),
    );
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const child = await fakeProxy(port, dir);

    const holder = tryFindPortHolder(port);
    expect(holder?.pid).toBe(child.pid);
    expect(holder?.ourProxy).toEqual({ projectDir: dir });
    expect(holder?.command).toMatch(
      new RegExp(`python\\S* -c # ${PROXY_MARKER}… --port ${port}$`),
    );
  });

  it("is undefined when nothing listens", async () => {
    expect(tryFindPortHolder(await freePort())).toBeUndefined();
  });
});

describe("summarise", () => {
  it("shortens inline programs and keeps plain arguments", () => {
    expect(
      summarise(["python", "-c", "import x\nrun()", "--port", "4000"]),
    ).toBe("python -c import x… --port 4000");
    expect(summarise(["node", "x".repeat(80)])).toBe(`node ${"x".repeat(24)}…`);
  });
});
