import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  BIN,
  cliEnvironment,
  runCli,
  temporaryDirectory,
} from "./support/cli.js";

/** Faults found by trying the CLI as a new user: each a short, fixable error. */
describe("the CLI's usage errors", () => {
  const temps: { remove: () => void }[] = [];
  const temp = () => {
    const made = temporaryDirectory();
    temps.push(made);
    return made.dir;
  };
  afterEach(() => temps.splice(0).forEach((made) => made.remove()));

  it("check-config with no tdm-litellm.yaml and no file names both", async () => {
    const dir = temp();
    const result = await runCli(["check-config"], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`no tdm-litellm.yaml in ${dir}`);
    expect(result.stderr).toContain("tdm-litellm check-config <file>");
  });

  it("check-config stops quietly when its reader closes the pipe", async () => {
    const dir = temp();
    const file = path.join(dir, "config.yaml");
    // Thousands of unset variables: a report far larger than a pipe holds.
    const deployments = Array.from(
      { length: 3_000 },
      (_, i) =>
        `  - model_name: m${i}\n    litellm_params:\n      model: openai/m${i}\n      api_base: os.environ/UNSET_BASE_${i}\n`,
    );
    writeFileSync(file, `model_list:\n${deployments.join("")}`);

    const child = spawn(BIN, ["check-config", file], {
      cwd: dir,
      env: cliEnvironment(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) =>
      child.on("close", resolve),
    );

    expect(status).toBe(141);
    expect(stderr).toBe("");
  });

  it("check-config of a missing file blames the argument", async () => {
    const dir = temp();
    const result = await runCli(["check-config", "missing.yaml"], {
      cwd: dir,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      `${path.join(dir, "missing.yaml")} does not exist`,
    );
    expect(result.stderr).not.toContain("proxy.config");
  });

  it("check-config --env reads a file on top of the project's env file", async () => {
    const dir = temp();
    expect((await runCli(["init"], { cwd: dir })).exitCode).toBe(0);
    const config = path.join(dir, "config", "proxy_server_config.yaml");
    writeFileSync(
      config,
      [
        "model_list:",
        "  - model_name: m",
        "    litellm_params:",
        "      model: openai/m",
        "      api_base: os.environ/LM_STUDIO_API_BASE",
        "      api_key: os.environ/EXTRA_ONLY_KEY",
        "general_settings:",
        "  master_key: os.environ/LITELLM_MASTER_KEY",
        "",
      ].join("\n"),
    );
    const extra = path.join(dir, "extra.env");
    writeFileSync(extra, "EXTRA_ONLY_KEY=from-the-extra-file\n");
    const without = await runCli(["check-config"], { cwd: dir });
    expect(without.exitCode).toBe(1);
    expect(without.stdout).toContain("EXTRA_ONLY_KEY");
    const withExtra = await runCli(["check-config", "--env", extra], {
      cwd: dir,
    });
    expect(withExtra.exitCode, withExtra.stdout).toBe(0);
  });

  it("init --dir at a file says so", async () => {
    const dir = temp();
    const file = path.join(dir, "a-file");
    writeFileSync(file, "x");
    const result = await runCli(["init", "--dir", file], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${file} is a file, not a directory`);
    expect(result.stderr).not.toContain("bug");
  });

  it("an env file that is a directory is named", async () => {
    const dir = temp();
    expect((await runCli(["init"], { cwd: dir })).exitCode).toBe(0);
    const envDir = path.join(dir, "env-dir");
    mkdirSync(envDir);
    writeFileSync(
      path.join(dir, "tdm-litellm.yaml"),
      "litellm:\n  path: litellm\nproxy:\n  env_file: env-dir\n",
    );
    const result = await runCli(["check-config"], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`env file ${envDir} is not a file`);
  });
});
