import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parse as parseDotenv } from "dotenv";
import { BIN, cliEnvironment } from "./paths.mjs";
import { litellmOrigin, RELEASE } from "./release.mjs";

const run = promisify(execFile);

/**
 * A project as a user has it after the README's steps: `init`, the remote
 * pointed at the local LiteLLM origin, `checkout v1.80.10`, `sync`. The
 * Python environment comes from the shared test cache when the tests built
 * it already; otherwise `sync` builds it here (minutes, once).
 */
export async function prepareProject({ log = () => undefined } = {}) {
  const origin = await litellmOrigin([RELEASE]);
  const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-litellm-bench-"));
  const env = cliEnvironment({
    LM_STUDIO_API_BASE: "http://127.0.0.1:9/v1",
    GEMINI_API_KEY: "bench-gemini-key-never-called",
  });
  const cli = (...args) =>
    run(BIN, args, { cwd: dir, env, maxBuffer: 16 * 1024 * 1024 });

  log(`project in ${dir}: init, checkout ${RELEASE.tag}, sync`);
  await cli("init");
  const wrapperFile = path.join(dir, "tdm-litellm.yaml");
  writeFileSync(
    wrapperFile,
    readFileSync(wrapperFile, "utf8").replace(
      /remote: .*/,
      `remote: ${origin.url}`,
    ),
  );
  await cli("checkout", RELEASE.tag);
  const synced = await cli("sync");
  const match = /(\/\S+\/envs\/[0-9a-f]+)/.exec(synced.stdout + synced.stderr);
  if (!match) {
    throw new Error(
      `could not find the environment in sync's output:\n${synced.stderr}`,
    );
  }

  return {
    dir,
    env,
    bin: BIN,
    checkoutDir: path.join(dir, "litellm"),
    configPath: path.join(dir, "config", "proxy_server_config.yaml"),
    envFile: path.join(dir, ".env"),
    environmentDir: match[1],
    python: path.join(match[1], "bin", "python"),
    cli,
    /** Sets the port in tdm-litellm.yaml. */
    setPort(port) {
      writeFileSync(
        wrapperFile,
        readFileSync(wrapperFile, "utf8").replace(/port: \d+/, `port: ${port}`),
      );
    },
    /** The variables of the project's .env, as `set -a; . .env` exports them. */
    dotenv() {
      return parseDotenv(readFileSync(path.join(dir, ".env")));
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
