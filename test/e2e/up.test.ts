import { readdirSync, readFileSync } from "node:fs";
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
import {
  ANSWER_MARKER,
  startModelServer,
  type ModelServer,
} from "../support/model-server.js";
import { pointProjectAtTestParts } from "../support/project.js";

/**
 * The main job, for real: a LiteLLM origin built from the release's PyPI
 * source distribution, `init`, `checkout`, `check-config`, `up`, requests
 * through the proxy to the local model server, Ctrl-C, nothing left.
 */
describe(`up with LiteLLM ${POETRY_ERA_VERSION} from a pinned checkout`, () => {
  let origin: LitellmOrigin;
  let modelServer: ModelServer;
  let project: ReturnType<typeof temporaryDirectory>;
  let env: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    origin = await litellmOrigin([
      { version: POETRY_ERA_VERSION, tag: POETRY_ERA_TAG },
    ]);
    modelServer = await startModelServer();
    project = temporaryDirectory();
    port = await freePort();
    env = cliEnvironment({
      LM_STUDIO_API_BASE: modelServer.url,
      GEMINI_API_KEY: "test-gemini-key-never-called",
    });
  });

  afterAll(async () => {
    await modelServer?.close();
    project?.remove();
  });

  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env });

  it("init writes the starting files with a fresh master key", async () => {
    const result = await cli("init");
    expect(result.exitCode).toBe(0);
    const dotenv = readFileSync(path.join(project.dir, ".env"), "utf8");
    expect(dotenv).toMatch(/^LITELLM_MASTER_KEY=sk-[\w-]{32}$/m);
    expect(dotenv).not.toContain("sk-1234");

    // Point the project at the test origin, a free port and the model the
    // local server offers.
    pointProjectAtTestParts(project.dir, { originUrl: origin.url, port });
  });

  it("checkout clones the origin and records the pin", async () => {
    const result = await cli("checkout", POETRY_ERA_TAG);
    expect(result.exitCode, result.stderr).toBe(0);
    const wrapper = readFileSync(
      path.join(project.dir, "tdm-litellm.yaml"),
      "utf8",
    );
    expect(wrapper).toContain(`ref: ${POETRY_ERA_TAG}`);
    expect(wrapper).toContain(`commit: ${origin.tags[POETRY_ERA_TAG]}`);
  });

  it("check-config accepts the generated config", async () => {
    const result = await cli("check-config");
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  });

  it(
    "up starts the real proxy, serves the local model, and Ctrl-C leaves nothing",
    { timeout: 900_000 },
    async () => {
      const upStarted = Date.now();
      const up = startCli(["up"], { cwd: project.dir, env });
      let output = "";
      up.all.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const healthy = await waitFor(
        async () => (await probe(port)) === 200 || up.exitCode !== null,
        600_000,
      );
      const upToHealthyMs = Date.now() - upStarted;
      expect(healthy && up.exitCode === null, output).toBe(true);
      console.log(`up to healthy: ${upToHealthyMs} ms`);

      // The entry script replaced itself with the proxy: the PID we started
      // is now Python, and no Node process of ours stands in between.
      const pid = up.pid!;
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      expect(commandLine).toContain("python");
      expect(commandLine).toContain("--host\u0000127.0.0.1");

      const key = masterKey(project.dir);
      const answer = await chat(port, key, { stream: false });
      expect(answer).toContain(ANSWER_MARKER);
      const streamed = await chat(port, key, { stream: true });
      expect(streamed).toContain(ANSWER_MARKER);
      expect(
        modelServer.requests.filter((r) =>
          r.path.endsWith("/chat/completions"),
        ),
      ).toHaveLength(2);

      const unauthorized = await fetch(`http://127.0.0.1:${port}/v1/models`);
      expect(unauthorized.status).toBe(401);

      // The ready banner from the start-up watcher.
      await waitFor(() => output.includes("API base"), 10_000);
      expect(output).toMatch(/API base\s+http:\/\/127\.0\.0\.1:\d+\/v1/);
      expect(output).not.toContain(key);

      process.kill(pid, "SIGINT");
      const result = await up;
      expect(
        result.signal === "SIGINT" || result.exitCode === 130,
        `exit ${result.exitCode} signal ${result.signal}\n${output.slice(-2000)}`,
      ).toBe(true);
      expect(
        await waitFor(() => processesOf(project.dir).length === 0, 15_000),
      ).toBe(true);
      expect(await probe(port)).toBeUndefined();
    },
  );

  it(
    "a second up reuses the environment and installs nothing",
    { timeout: 300_000 },
    async () => {
      const up = startCli(["up", "--detach"], { cwd: project.dir, env });
      const result = await up;
      expect(result.exitCode, result.all).toBe(0);
      expect(result.all).not.toContain("building the Python environment");
      expect(result.all).toContain("proxy is up");
      expect(await probe(port)).toBe(200);

      const down = await cli("down");
      expect(down.exitCode, down.stderr).toBe(0);
      expect(
        await waitFor(() => processesOf(project.dir).length === 0, 15_000),
      ).toBe(true);
    },
  );
});

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

async function chat(
  port: number,
  key: string,
  options: { stream: boolean },
): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${key}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({
      model: "local-model",
      messages: [{ role: "user", content: "hello" }],
      stream: options.stream,
    }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  if (!options.stream) {
    const body = JSON.parse(text) as {
      choices: { message: { content: string } }[];
    };
    return body.choices[0]!.message.content;
  }
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: ") && !line.includes("[DONE]"))
    .map((line) => {
      const chunk = JSON.parse(line.slice(6)) as {
        choices: { delta?: { content?: string } }[];
      };
      return chunk.choices[0]?.delta?.content ?? "";
    })
    .join("");
}

function masterKey(projectDir: string): string {
  const match = /^LITELLM_MASTER_KEY=(.+)$/m.exec(
    readFileSync(path.join(projectDir, ".env"), "utf8"),
  );
  return match![1]!;
}

/** Processes whose command line mentions the project: the proxy and its children. */
function processesOf(projectDir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSafe("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (commandLine.includes(projectDir) && !commandLine.includes("vitest")) {
        found.push(Number(entry));
      }
    } catch {
      continue;
    }
  }
  return found;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
