import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliEnvironment,
  freePort,
  runCli,
  startCli,
  temporaryDirectory,
  waitFor,
} from "../support/cli.js";
import {
  litellmOrigin,
  POETRY_ERA_TAG,
  POETRY_ERA_VERSION,
  type LitellmOrigin,
} from "../support/litellm-release.js";
import { startModelServer, type ModelServer } from "../support/model-server.js";
import { pointProjectAtTestParts } from "../support/project.js";

/** Small enough that a few dozen requests rotate the log of a real proxy. */
const LOG_MAX_BYTES = 4_096;
const LOG_BACKUPS = 2;
const PROXY_MARKER = "tdm-litellm proxy";

/**
 * The proxy's lifecycle with the real LiteLLM proxy: a detached start and
 * what it leaves, `status`, `logs`, rotation, `restart`, port conflicts,
 * `down`, a proxy killed behind the launcher's back, two `up` at once, and
 * a foreground `up` that is the proxy itself. Four proxy starts in all.
 */
describe(`proxy lifecycle with LiteLLM ${POETRY_ERA_VERSION}`, () => {
  let origin: LitellmOrigin;
  let modelServer: ModelServer;
  let project: ReturnType<typeof temporaryDirectory>;
  let other: ReturnType<typeof temporaryDirectory>;
  let env: Record<string, string>;
  let port: number;
  let pid: number;

  beforeAll(async () => {
    origin = await litellmOrigin([
      { version: POETRY_ERA_VERSION, tag: POETRY_ERA_TAG },
    ]);
    modelServer = await startModelServer();
    project = temporaryDirectory();
    other = temporaryDirectory();
    port = await freePort();
    env = cliEnvironment({
      LM_STUDIO_API_BASE: modelServer.url,
      GEMINI_API_KEY: "test-gemini-key-never-called",
      TDM_LITELLM_LOG_MAX_BYTES: String(LOG_MAX_BYTES),
      TDM_LITELLM_LOG_BACKUPS: String(LOG_BACKUPS),
    });

    expect((await cli("init")).exitCode).toBe(0);
    pointProjectAtTestParts(project.dir, { originUrl: origin.url, port });
    const checkout = await cli("checkout", POETRY_ERA_TAG);
    expect(checkout.exitCode, checkout.stderr).toBe(0);
  });

  afterAll(async () => {
    // Whatever a failed test left running goes with the temp directories.
    for (const leftover of proxiesOf(project?.dir ?? "/nonexistent")) {
      killQuietly(leftover);
    }
    await modelServer?.close();
    project?.remove();
    other?.remove();
  });

  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env });
  const stateFile = () => path.join(project.dir, ".tdm-litellm", "proxy.json");
  const logFile = () => path.join(project.dir, ".tdm-litellm", "proxy.log");

  it(
    "up --detach returns once the proxy answers, with its URLs, PID and log, and leaves no launcher",
    { timeout: 300_000 },
    async () => {
      const up = await cli("up", "--detach");
      expect(up.exitCode, up.stderr).toBe(0);
      expect(up.stderr).toMatch(
        new RegExp(`API base\\s+http://127\\.0\\.0\\.1:${port}/v1`),
      );
      expect(up.stderr).toContain(`Log       ${logFile()}`);
      pid = bannerPid(up.stderr);
      expect(pid).toBeGreaterThan(0);
      expect(await probe(port)).toBe(200);

      // The proxy is Python, leads its own session and process group.
      expect(argvOf(pid).join(" ")).toContain(PROXY_MARKER);
      expect(statFields(pid).pgid).toBe(pid);
      expect(statFields(pid).sid).toBe(pid);

      // Nothing of the launcher stays: no Node process and no entry
      // script working for this project.
      expect(launcherProcessesOf(project.dir)).toEqual([]);

      // Its output goes through a pipe whose only reader is the proxy
      // itself (the log thread), not another process.
      const stdoutTarget = readlinkSync(`/proc/${pid}/fd/1`);
      expect(stdoutTarget).toMatch(/^pipe:\[\d+\]$/);
      expect(readlinkSync(`/proc/${pid}/fd/2`)).toBe(stdoutTarget);
      expect(holdersOf(stdoutTarget)).toEqual([pid]);

      // The state file: atomic, private, and naming this process.
      expect(statSync(stateFile()).mode & 0o777).toBe(0o600);
      const state = JSON.parse(readFileSync(stateFile(), "utf8")) as Record<
        string,
        unknown
      >;
      expect(state).toMatchObject({
        pid,
        startTime: statFields(pid).startTime,
        mode: "detached",
        host: "127.0.0.1",
        port,
        ref: POETRY_ERA_TAG,
        commit: origin.tags[POETRY_ERA_TAG],
        logPath: logFile(),
        version: POETRY_ERA_VERSION,
      });
    },
  );

  it("a second up says the proxy runs and starts nothing", async () => {
    const again = await cli("up", "--detach");
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain(`already runs at http://127.0.0.1:${port}`);
    expect(again.stderr).toContain(`PID ${pid}`);
    expect(proxiesOf(project.dir)).toEqual([pid]);
  });

  it("status --json tells every fact of the running proxy", async () => {
    const result = await cli("status", "--json");
    expect(result.exitCode, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as StatusJson;
    const commit = origin.tags[POETRY_ERA_TAG]!;

    expect(status.project).toBe(project.dir);
    expect(status.pin).toEqual({ ref: POETRY_ERA_TAG, commit });
    expect(status.checkout).toEqual({
      path: path.join(project.dir, "litellm"),
      present: true,
      head: commit,
      atPin: true,
      localCommits: 0,
      localChanges: 0,
      // 1.80.10 moves its UI pages in place at start-up.
      uiBundleChanged: true,
      patches: [],
    });
    expect(status.environment?.complete).toBe(true);
    expect(status.environment?.commit).toBe(commit);
    expect(existsSync(status.environment!.python)).toBe(true);
    expect(status.notes).toEqual([]);

    const proxy = status.proxy;
    expect(proxy.running).toBe(true);
    if (!proxy.running) return;
    expect(proxy.healthy).toBe(true);
    expect(proxy.pid).toBe(pid);
    expect(proxy.mode).toBe("detached");
    expect(Date.parse(proxy.startedAt)).toBeLessThanOrEqual(Date.now());
    expect(proxy.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(proxy.uptimeSeconds).toBeLessThan(600);
    expect(proxy.host).toBe("127.0.0.1");
    expect(proxy.port).toBe(port);
    expect(proxy.version).toBe(POETRY_ERA_VERSION);
    expect(proxy.commit).toBe(commit);
    expect(proxy.configPath).toBe(
      path.join(project.dir, "config/proxy_server_config.yaml"),
    );
    expect(proxy.logPath).toBe(logFile());
    expect(proxy.processCount).toBeGreaterThanOrEqual(1);
    // The proxy's own resident memory, as /proc tells it: tens of MiB at least.
    expect(proxy.residentBytes).toBeGreaterThan(50 * 1024 * 1024);
    expect(proxy.residentBytes).toBeLessThan(4 * 1024 * 1024 * 1024);
    expect(proxy.liveliness).toEqual({
      status: 200,
      body: "I'm alive!",
      error: null,
    });
    expect(proxy.urls).toEqual({
      api: `http://127.0.0.1:${port}/v1`,
      ui: `http://127.0.0.1:${port}/ui`,
      liveliness: `http://127.0.0.1:${port}/health/liveliness`,
    });

    // No secret anywhere in it.
    expect(result.stdout).not.toContain(masterKey(project.dir));

    const text = await cli("status");
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`PID\\s+${pid}`));
    expect(text.stdout).toContain("running (detached, LiteLLM 1.80.10)");
    expect(text.stdout).not.toContain(masterKey(project.dir));
  });

  it("logs -n shows the start-up lines", async () => {
    const result = await cli("logs", "-n", "200");
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("--- tdm-litellm: starting the proxy");
    expect(result.stdout).toMatch(
      new RegExp(`Uvicorn running on http://127\\.0\\.0\\.1:${port}`),
    );

    const three = await cli("logs", "-n", "3");
    expect(three.stdout.trimEnd().split("\n")).toHaveLength(3);
  });

  it(
    "the log rotates by size inside the proxy, and logs -f follows it across rotation",
    { timeout: 120_000 },
    async () => {
      const follow = startCli(["logs", "-f", "-n", "0"], {
        cwd: project.dir,
        env,
      });
      let followed = "";
      follow.stdout.on(
        "data",
        (chunk: Buffer) => (followed += chunk.toString()),
      );
      // Once a request shows, the follower is in place.
      expect(
        await waitFor(async () => {
          await fetch(`http://127.0.0.1:${port}/health/liveliness?warm-up`);
          return followed.includes("warm-up");
        }, 30_000),
      ).toBe(true);

      // Each request is one access line of uvicorn's in the log.
      const requests = 120;
      for (let index = 0; index < requests; index++) {
        await fetch(
          `http://127.0.0.1:${port}/health/liveliness?request=${index}`,
        );
      }
      const lastLine = `request=${requests - 1}`;
      expect(
        await waitFor(() => followed.includes(lastLine), 15_000),
        followed.slice(-2_000),
      ).toBe(true);
      // A terminal's Ctrl-C reaches the whole foreground group; here the
      // Node process below the entry script gets it directly.
      const node = pids().filter((candidate) => {
        try {
          return statFields(candidate).ppid === follow.pid;
        } catch {
          return false;
        }
      });
      expect(node).toHaveLength(1);
      process.kill(node[0]!, "SIGINT");
      const ended = await follow;
      expect(ended.exitCode).toBe(130);

      // Every request followed, once, in order, though the file rotated.
      const seen = [...followed.matchAll(/request=(\d+)/g)].map((match) =>
        Number(match[1]),
      );
      expect(seen).toEqual([...Array(requests).keys()]);

      const files = readdirSync(path.dirname(logFile()))
        .filter((name) => name.startsWith("proxy.log"))
        .sort();
      expect(files).toEqual(["proxy.log", "proxy.log.1", "proxy.log.2"]);
      for (const name of files) {
        // At most one write past the limit: whole lines are kept.
        const size = statSync(path.join(path.dirname(logFile()), name)).size;
        expect(size).toBeLessThanOrEqual(LOG_MAX_BYTES + 512);
      }

      const tail = await cli("logs", "-n", "5");
      expect(tail.stdout).toContain(lastLine);
    },
  );

  it(
    "up on a port held by this proxy from another project names it",
    { timeout: 120_000 },
    async () => {
      for (const name of ["tdm-litellm.yaml", ".env", "config"]) {
        cpSync(path.join(project.dir, name), path.join(other.dir, name), {
          recursive: true,
        });
      }
      const otherWrapper = path.join(other.dir, "tdm-litellm.yaml");
      writeFileSync(
        otherWrapper,
        readFileSync(otherWrapper, "utf8").replace(
          /path: litellm/,
          `path: ${path.join(project.dir, "litellm")}`,
        ),
      );
      const result = await runCli(["up", "--detach"], { cwd: other.dir, env });
      expect(result.exitCode, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `port ${port} is in use by the tdm-litellm proxy of another project, ${project.dir}: PID ${pid}`,
      );
      expect(result.stderr).toContain(`tdm-litellm down\` in ${project.dir}`);
      expect(proxiesOf(other.dir)).toEqual([]);
    },
  );

  it(
    "restart stops the proxy and starts it again the same way",
    { timeout: 300_000 },
    async () => {
      const restarted = await cli("restart");
      expect(restarted.exitCode, restarted.stderr).toBe(0);
      expect(restarted.stderr).toContain("stopping the proxy");
      expect(restarted.stderr).toContain("proxy is up");
      expect(isAlive(pid)).toBe(false);
      const newPid = bannerPid(restarted.stderr);
      expect(newPid).not.toBe(pid);
      expect(proxiesOf(project.dir)).toEqual([newPid]);
      expect(statFields(newPid).pgid).toBe(newPid);
      expect(await probe(port)).toBe(200);
      pid = newPid;
    },
  );

  it("down stops the whole process group; a second down is a no-op", async () => {
    const group = groupMembers(pid);
    expect(group).toContain(pid);

    const down = await cli("down");
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/stopping the proxy \(PID \d+\).*stopped/);
    for (const member of group) expect(isAlive(member)).toBe(false);
    expect(groupMembers(pid)).toEqual([]);
    expect(existsSync(stateFile())).toBe(false);
    expect(await probe(port)).toBeUndefined();
    // The proxy's last words reached the log before it died of SIGTERM.
    const tail = await cli("logs", "-n", "2");
    expect(tail.stdout).toContain(`Finished server process [${pid}]`);

    const again = await cli("down");
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain("no proxy is running for this project");

    const status = await cli("status", "--json");
    expect(status.exitCode).toBe(1);
    expect((JSON.parse(status.stdout) as StatusJson).proxy).toEqual({
      running: false,
    });
  });

  it(
    "two up at once start exactly one proxy",
    { timeout: 300_000 },
    async () => {
      const first = startCli(["up", "--detach"], { cwd: project.dir, env });
      const second = startCli(["up", "--detach"], { cwd: project.dir, env });
      const [a, b] = await Promise.all([first, second]);
      expect(a.exitCode, a.all).toBe(0);
      expect(b.exitCode, b.all).toBe(0);

      const outputs = [a.all, b.all];
      const starter = outputs.filter((text) => text.includes("proxy is up"));
      const waiter = outputs.filter((text) =>
        /another `tdm-litellm up` is starting|the proxy is starting|already runs/.test(
          text,
        ),
      );
      expect(starter, outputs.join("\n----\n")).toHaveLength(1);
      expect(waiter, outputs.join("\n----\n")).toHaveLength(1);

      const proxies = proxiesOf(project.dir);
      expect(proxies).toHaveLength(1);
      pid = proxies[0]!;
      expect(await probe(port)).toBe(200);
    },
  );

  it("a proxy killed behind the launcher's back is reported as not running, its state cleared", async () => {
    process.kill(-pid, "SIGKILL");
    expect(await waitFor(() => !isAlive(pid), 10_000)).toBe(true);
    expect(existsSync(stateFile())).toBe(true);

    const status = await cli("status", "--json");
    expect(status.exitCode).toBe(1);
    const report = JSON.parse(status.stdout) as StatusJson;
    expect(report.proxy).toEqual({ running: false });
    expect(report.notes).toEqual([
      `the proxy recorded as PID ${pid} is no longer running; cleared its stale state`,
    ]);
    expect(existsSync(stateFile())).toBe(false);

    const down = await cli("down");
    expect(down.exitCode).toBe(0);
    expect(down.stderr).toContain("no proxy is running for this project");
  });

  it(
    "a foreground up is the proxy itself, with no launcher among its ancestors",
    { timeout: 300_000 },
    async () => {
      const up = startCli(["up"], { cwd: project.dir, env });
      let output = "";
      up.all.on("data", (chunk: Buffer) => (output += chunk.toString()));
      expect(
        await waitFor(
          async () => (await probe(port)) === 200 || up.exitCode !== null,
          300_000,
        ),
        output,
      ).toBe(true);
      expect(await waitFor(() => output.includes("API base"), 15_000)).toBe(
        true,
      );

      const proxyPid = up.pid!;
      expect(argvOf(proxyPid).join(" ")).toContain(PROXY_MARKER);
      // Its parent is this test's process: nothing stands in between.
      expect(statFields(proxyPid).ppid).toBe(process.pid);
      const ancestors = ancestorsOf(proxyPid);
      expect(ancestors[0]).toBe(process.pid);
      for (const ancestor of ancestors) {
        const argv = argvOf(ancestor).join(" ");
        expect(argv).not.toContain("dist/cli.js");
        expect(argv).not.toContain("bin/tdm-litellm");
      }
      // The start watcher printed the banner and is gone too.
      expect(
        await waitFor(
          () => launcherProcessesOf(project.dir).length === 0,
          5_000,
        ),
        JSON.stringify(launcherProcessesOf(project.dir)),
      ).toBe(true);

      const status = await cli("status", "--json");
      expect(status.exitCode, status.stderr).toBe(0);
      const proxy = (JSON.parse(status.stdout) as StatusJson).proxy;
      expect(proxy).toMatchObject({
        running: true,
        healthy: true,
        pid: proxyPid,
        mode: "foreground",
        logPath: null,
      });

      process.kill(proxyPid, "SIGINT");
      const result = await up;
      expect(
        result.signal === "SIGINT" || result.exitCode === 130,
        `exit ${result.exitCode} signal ${result.signal}`,
      ).toBe(true);
      expect(
        await waitFor(() => proxiesOf(project.dir).length === 0, 15_000),
      ).toBe(true);
    },
  );
});

interface StatusJson {
  project: string;
  pin: { ref: string | null; commit: string | null };
  checkout: Record<string, unknown>;
  environment: {
    dir: string;
    python: string;
    complete: boolean;
    commit: string;
  } | null;
  proxy:
    | { running: false }
    | {
        running: true;
        healthy: boolean;
        pid: number;
        mode: string;
        startedAt: string;
        uptimeSeconds: number;
        host: string;
        port: number;
        version: string | null;
        commit: string | null;
        configPath: string;
        logPath: string | null;
        processCount: number;
        residentBytes: number | null;
        liveliness: Record<string, unknown>;
        urls: Record<string, string>;
      };
  notes: string[];
}

/** The PID row of the ready banner. */
function bannerPid(output: string): number {
  return Number(/^\s+PID\s+(\d+)$/m.exec(output)?.[1]);
}

async function probe(port: number): Promise<number | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/liveliness`, {
      signal: AbortSignal.timeout(2_000),
    });
    return response.status;
  } catch {
    return undefined;
  }
}

function masterKey(projectDir: string): string {
  const match = /^LITELLM_MASTER_KEY=(.+)$/m.exec(
    readFileSync(path.join(projectDir, ".env"), "utf8"),
  );
  return match![1]!;
}

function pids(): number[] {
  try {
    return readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch {
    return [];
  }
}

function argvOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8")
      .replace(/\0+$/, "")
      .split("\0");
  } catch {
    return [];
  }
}

function statFields(pid: number): {
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  startTime: number;
} {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    state: fields[0]!,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    sid: Number(fields[3]),
    startTime: Number(fields[19]),
  };
}

function isAlive(pid: number): boolean {
  try {
    return statFields(pid).state !== "Z";
  } catch {
    return false;
  }
}

function groupMembers(pgid: number): number[] {
  return pids().filter((candidate) => {
    try {
      const fields = statFields(candidate);
      return fields.pgid === pgid && fields.state !== "Z";
    } catch {
      return false;
    }
  });
}

function ancestorsOf(pid: number): number[] {
  const chain: number[] = [];
  let current = statFields(pid).ppid;
  while (current > 1) {
    chain.push(current);
    current = statFields(current).ppid;
  }
  return chain;
}

function cwdOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** Running proxies started by tdm-litellm for the project. */
function proxiesOf(projectDir: string): number[] {
  return pids().filter(
    (candidate) =>
      isAlive(candidate) &&
      argvOf(candidate).some((arg) => arg.includes(PROXY_MARKER)) &&
      cwdOf(candidate) === projectDir,
  );
}

/** Node or entry-script processes of the launcher working for the project. */
function launcherProcessesOf(projectDir: string): number[] {
  return pids().filter((candidate) => {
    const argv = argvOf(candidate).join(" ");
    return (
      isAlive(candidate) &&
      cwdOf(candidate) === projectDir &&
      (argv.includes("dist/cli.js") ||
        argv.includes("bin/tdm-litellm") ||
        argv.includes("start-watcher.js"))
    );
  });
}

/** Processes holding a descriptor to the given pipe or socket. */
function holdersOf(target: string): number[] {
  return pids().filter((candidate) => {
    try {
      return readdirSync(`/proc/${candidate}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${candidate}/fd/${fd}`) === target;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  });
}

function killQuietly(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone.
    }
  }
}
