import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryDirectory } from "../../test/support/cli.js";
import { buildBaseEnvironment, buildProxyEnvironment } from "./environment.js";

describe("buildBaseEnvironment", () => {
  it("reads the env file, with `export ` lines, and lets the shell win", () => {
    const temp = temporaryDirectory();
    try {
      const envFile = path.join(temp.dir, ".env");
      writeFileSync(
        envFile,
        "export FROM_FILE=file\nBOTH=file\n# comment\nQUOTED='a b'\n",
      );
      const env = buildBaseEnvironment({
        envFile,
        processEnv: { BOTH: "shell" },
      });
      expect(env).toMatchObject({
        FROM_FILE: "file",
        BOTH: "shell",
        QUOTED: "a b",
      });
    } finally {
      temp.remove();
    }
  });

  it("names a missing env file and the setting that points at it", () => {
    expect(() =>
      buildBaseEnvironment({ envFile: "/nonexistent/.env", processEnv: {} }),
    ).toThrow(/env file \/nonexistent\/\.env does not exist/);
  });
});

describe("buildProxyEnvironment", () => {
  const build = (
    base: Record<string, string>,
    options: {
      configVariables?: Record<string, string>;
      database?: boolean;
    } = {},
  ) =>
    buildProxyEnvironment({
      base,
      configVariables: options.configVariables ?? {},
      databaseIntended: options.database ?? false,
      pythonPath: ["/checkout", "/overlay"],
      uiDir: "/cache/ui/abc",
    });

  it("removes variables that would redirect LiteLLM", () => {
    const env = build({
      HOST: "0.0.0.0",
      PORT: "9999",
      CONFIG_FILE_PATH: "/elsewhere.yaml",
      WORKER_CONFIG: "{}",
      KEEP: "yes",
    });
    expect(env).not.toHaveProperty("HOST");
    expect(env).not.toHaveProperty("PORT");
    expect(env).not.toHaveProperty("CONFIG_FILE_PATH");
    expect(env).not.toHaveProperty("WORKER_CONFIG");
    expect(env.KEEP).toBe("yes");
  });

  it("drops stray database variables unless a database is intended", () => {
    const base = { DATABASE_HOST: "db", DATABASE_URL: "postgresql://x" };
    expect(build(base)).not.toHaveProperty("DATABASE_HOST");
    expect(build(base)).not.toHaveProperty("DATABASE_URL");
    expect(build(base, { database: true }).DATABASE_URL).toBe("postgresql://x");
  });

  it("sets launcher defaults the user can override", () => {
    expect(build({})).toMatchObject({
      LITELLM_LOCAL_MODEL_COST_MAP: "True",
      LITELLM_UI_PATH: "/cache/ui/abc",
      LITELLM_MODE: "PRODUCTION",
    });
    expect(build({ LITELLM_LOCAL_MODEL_COST_MAP: "False" })).toMatchObject({
      LITELLM_LOCAL_MODEL_COST_MAP: "False",
    });
  });

  it("exports the config's environment_variables over the base", () => {
    const env = build(
      { REDIS_HOST: "shell" },
      { configVariables: { REDIS_HOST: "config", OTHER: "1" } },
    );
    expect(env).toMatchObject({ REDIS_HOST: "config", OTHER: "1" });
  });

  it("puts the checkout first on PYTHONPATH, before the user's", () => {
    expect(build({ PYTHONPATH: "/mine" }).PYTHONPATH).toBe(
      "/checkout:/overlay:/mine",
    );
  });
});
