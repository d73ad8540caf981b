import { readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliEnvironment,
  freePort,
  runCli,
  temporaryDirectory,
} from "../support/cli.js";
import {
  litellmOrigin,
  POETRY_ERA_TAG,
  POETRY_ERA_VERSION,
} from "../support/litellm-release.js";
import { pointProjectAtTestParts } from "../support/project.js";

/**
 * The faults a user meets first, each a clear error: what happened, where,
 * and the fix; nothing started.
 */
describe("up refuses with a clear error", () => {
  let project: ReturnType<typeof temporaryDirectory>;
  let env: Record<string, string>;
  let configFile: string;
  let pristineConfig: string;
  let port: number;

  beforeAll(async () => {
    const origin = await litellmOrigin([
      { version: POETRY_ERA_VERSION, tag: POETRY_ERA_TAG },
    ]);
    project = temporaryDirectory();
    port = await freePort();
    env = cliEnvironment({
      LM_STUDIO_API_BASE: "http://127.0.0.1:9/v1",
      GEMINI_API_KEY: "test-gemini-key-never-called",
    });
    expect((await cli("init")).exitCode).toBe(0);
    pointProjectAtTestParts(project.dir, { originUrl: origin.url, port });
    const checkout = await cli("checkout", POETRY_ERA_TAG);
    expect(checkout.exitCode, checkout.stderr).toBe(0);
    configFile = path.join(project.dir, "config/proxy_server_config.yaml");
    pristineConfig = readFileSync(configFile, "utf8");
  });

  afterAll(() => project?.remove());

  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env });
  const writeConfig = (text: string) => writeFileSync(configFile, text);

  it("when there is no tdm-litellm.yaml", async () => {
    const empty = temporaryDirectory();
    try {
      const result = await runCli(["up"], { cwd: empty.dir, env });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`no tdm-litellm.yaml in ${empty.dir}`);
      expect(result.stderr).toContain("tdm-litellm init");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      empty.remove();
    }
  });

  it("when the proxy config is missing", async () => {
    const missing = path.join(project.dir, "config/gone.yaml");
    const wrapperFile = path.join(project.dir, "tdm-litellm.yaml");
    const wrapper = readFileSync(wrapperFile, "utf8");
    writeFileSync(
      wrapperFile,
      wrapper.replace(
        "config: config/proxy_server_config.yaml",
        "config: config/gone.yaml",
      ),
    );
    try {
      const result = await cli("up");
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`proxy config ${missing} does not exist`);
      expect(result.stderr).toContain("proxy.config");
    } finally {
      writeFileSync(wrapperFile, wrapper);
    }
  });

  it("when the YAML does not parse, with the place", async () => {
    writeConfig(
      "cat > config.yaml << EOF\nmodel_list:\n  - model_name: a\n    litellm_params: {model: openai/a\n",
    );
    try {
      const check = await cli("check-config");
      expect(check.exitCode).toBe(1);
      expect(check.stdout).toMatch(/proxy_server_config\.yaml:\d+:\d+ error/);
      const up = await cli("up");
      expect(up.exitCode).toBe(1);
      expect(up.stderr).toContain("nothing was started");
    } finally {
      writeConfig(pristineConfig);
    }
  });

  it("when an os.environ/ variable is unset", async () => {
    writeConfig(
      pristineConfig.replace(
        "os.environ/GEMINI_API_KEY",
        "os.environ/TDM_TEST_UNSET_VARIABLE",
      ),
    );
    try {
      const check = await cli("check-config");
      expect(check.exitCode).toBe(1);
      expect(check.stdout).toContain("TDM_TEST_UNSET_VARIABLE");
      expect(check.stdout).toMatch(/proxy_server_config\.yaml:\d+:\d+ error/);
      const up = await cli("up");
      expect(up.exitCode).toBe(1);
      expect(up.stderr).toContain("TDM_TEST_UNSET_VARIABLE");
    } finally {
      writeConfig(pristineConfig);
    }
  });

  it("when asked to bind beyond loopback without the flag", async () => {
    const result = await cli("up", "--host", "0.0.0.0");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("refusing to bind 0.0.0.0");
    expect(result.stderr).toContain("--allow-non-loopback");
  });

  it("when binding beyond loopback with the example master key", async () => {
    writeConfig(
      pristineConfig.replace(
        "master_key: os.environ/LITELLM_MASTER_KEY",
        "master_key: sk-1234",
      ),
    );
    try {
      const result = await cli(
        "up",
        "--host",
        "0.0.0.0",
        "--allow-non-loopback",
      );
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(
        "refusing to bind 0.0.0.0, reachable from other machines",
      );
      expect(result.stderr).toMatch(/proxy_server_config\.yaml:\d+:\d+/);
      expect(result.stderr).not.toMatch(/master_key: sk-1234/);
    } finally {
      writeConfig(pristineConfig);
    }
  });

  it(
    "when the port is taken, naming the process",
    { timeout: 600_000 },
    async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) =>
        blocker.listen(port, "127.0.0.1", resolve),
      );
      try {
        const result = await cli("up");
        expect(result.exitCode, result.stderr).toBe(2);
        expect(result.stderr).toContain(
          `port ${port} is in use by PID ${process.pid}`,
        );
        expect(result.stderr).toContain("--port");
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
  );

  it(
    "when the proxy exits during start-up, with its last lines",
    { timeout: 300_000 },
    async () => {
      // A custom auth module that does not exist: the config is well formed,
      // LiteLLM fails while it starts.
      writeConfig(
        pristineConfig.replace(
          "general_settings:\n",
          "general_settings:\n  custom_auth: tdm_missing_module.user_api_key_auth\n",
        ),
      );
      try {
        const result = await cli("up", "--detach");
        expect(result.exitCode).toBe(1);
        expect(result.stderr).toContain("the proxy exited during start-up");
        expect(result.stderr).toContain("last lines of");
        expect(result.stderr).toMatch(/tdm_missing_module|ModuleNotFound/);
        const status = await cli("down");
        expect(status.stderr).toContain("no proxy is running");
      } finally {
        writeConfig(pristineConfig);
      }
    },
  );
});
