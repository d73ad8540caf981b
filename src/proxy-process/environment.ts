import { parse as parseDotenv } from "dotenv";
import { existsSync, readFileSync, statSync } from "node:fs";
import { UserError } from "../errors.js";

export type Environment = Record<string, string | undefined>;

/**
 * Variables that would silently redirect LiteLLM away from what the
 * launcher passes on its command line.
 */
const REDIRECTING = ["HOST", "PORT", "CONFIG_FILE_PATH", "WORKER_CONFIG"];

/** Database variables from which the proxy builds a database URL itself. */
const DATABASE_VARIABLES = [
  "DATABASE_URL",
  "DATABASE_HOST",
  "DATABASE_USERNAME",
  "DATABASE_PASSWORD",
  "DATABASE_NAME",
  "DATABASE_SCHEMA",
  "DIRECT_URL",
];

/**
 * The user's environment plus the env file. A variable set in the shell
 * wins over the file, as with every dotenv tool.
 */
export function buildBaseEnvironment(options: {
  envFile: string | undefined;
  processEnv?: Environment;
}): Environment {
  const processEnv = options.processEnv ?? process.env;
  const fromFile = options.envFile ? readEnvFileOrThrow(options.envFile) : {};
  return { ...fromFile, ...processEnv };
}

/** `KEY=value` lines; a leading `export ` is accepted. */
export function readEnvFileOrThrow(file: string): Record<string, string> {
  if (!existsSync(file)) {
    throw new UserError(`env file ${file} does not exist`, {
      hint: "create it (`tdm-litellm init` writes one), or fix `proxy.env_file` in tdm-litellm.yaml",
    });
  }
  if (!statSync(file).isFile()) {
    throw new UserError(`env file ${file} is not a file`, {
      hint: "point `proxy.env_file` in tdm-litellm.yaml at a file of KEY=value lines",
    });
  }
  return parseDotenv(readFileSync(file));
}

export interface ProxyEnvironmentOptions {
  base: Environment;
  /** The config's `environment_variables:`, exported before start. */
  configVariables: Record<string, string>;
  /** Whether a database is intended (managed, or a URL in the config). */
  databaseIntended: boolean;
  /** PYTHONPATH entries that make the checkout's source importable. */
  pythonPath: string[];
  uiDir: string;
  /** Where Python caches compiled bytecode, outside the checkout. */
  bytecodeDir: string;
  /**
   * Keep an inherited PYTHONDONTWRITEBYTECODE (set when the env file asks
   * for it); dropped otherwise.
   */
  keepDontWriteBytecode?: boolean;
}

/**
 * The proxy's environment, built on purpose: the base, the config's own
 * variables exported early (LiteLLM applies that block too late for
 * references and import-time constants), minus redirecting variables,
 * plus launcher defaults that the user can override.
 */
export function buildProxyEnvironment(
  options: ProxyEnvironmentOptions,
): Record<string, string> {
  const env: Environment = {
    LITELLM_LOCAL_MODEL_COST_MAP: "True",
    LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS: "True",
    LITELLM_UI_PATH: options.uiDir,
    // Only the env file named in tdm-litellm.yaml is read: no .env found by
    // searching upward from the checkout changes the proxy behind our back.
    LITELLM_MODE: "PRODUCTION",
    // Compiled bytecode outside the checkout, kept between starts: without
    // it every start compiles LiteLLM and its dependencies again, which
    // more than doubles the time to healthy.
    PYTHONPYCACHEPREFIX: options.bytecodeDir,
    ...options.base,
    ...options.configVariables,
  };
  for (const name of REDIRECTING) delete env[name];
  if (!options.databaseIntended) {
    for (const name of DATABASE_VARIABLES) delete env[name];
  }
  env.PYTHONPATH = [...options.pythonPath, env.PYTHONPATH]
    .filter(Boolean)
    .join(":");
  // Unbuffered output, so the log shows start-up as it happens.
  env.PYTHONUNBUFFERED ??= "1";
  if (!options.keepDontWriteBytecode) delete env.PYTHONDONTWRITEBYTECODE;
  // The entry script's hand-over file is the launcher's, not the proxy's.
  delete env.TDM_LITELLM_EXEC_PLAN;
  delete env.VIRTUAL_ENV;
  delete env.PYTHONHOME;
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}
