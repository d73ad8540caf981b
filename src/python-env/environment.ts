import { execa, type ResultPromise } from "execa";
import { createHash } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import { writeFileAtomic } from "../fs-atomic.js";
import type { Logger } from "../output/logger.js";
import { launcherPaths } from "../paths.js";
import { findInterpreterOrThrow } from "./interpreter.js";
import { tryEnsureUv } from "./uv.js";

export interface PythonEnvironment {
  /** The environment's directory. */
  dir: string;
  /** Its interpreter. */
  python: string;
  pythonVersion: string;
  /** What determines its content, hashed. */
  key: string;
  /** True when it existed and nothing was installed. */
  reused: boolean;
}

export interface EnsureEnvironmentOptions {
  checkoutPath: string;
  /** An interpreter asked for with `--python` or `python:`. */
  python?: string | undefined;
  /** Extras of the LiteLLM package to install; `proxy` always. */
  extras?: string[];
  logger: Logger;
}

const MARKER = "tdm-litellm-env.json";

/**
 * The environment for the checked-out commit: reused when one with the
 * same key is complete, built otherwise. An environment counts as complete
 * only once its install and an import probe of the proxy passed.
 */
export async function ensurePythonEnvironment(
  options: EnsureEnvironmentOptions,
): Promise<PythonEnvironment> {
  const { checkoutPath, logger } = options;
  const pyproject = readPyprojectOrThrow(checkoutPath);
  const extras = [...new Set(["proxy", ...(options.extras ?? [])])].sort();
  const interpreter = await findInterpreterOrThrow({
    requested: options.python,
    requiresPython: requiresPythonOf(pyproject),
  });

  const key = createHash("sha256")
    .update(JSON.stringify([interpreter.version, extras, pyproject]))
    .digest("hex")
    .slice(0, 16);
  const dir = path.join(launcherPaths().environments, key);
  const python = path.join(dir, "bin", "python");
  const environment = {
    dir,
    python,
    pythonVersion: interpreter.version,
    key,
  };

  if (isComplete(dir, key)) return { ...environment, reused: true };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(launcherPaths().logs, `install-${key}.log`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: "w" });

  const uv = await tryEnsureUv(interpreter.path, logger);
  const run = (command: string, args: string[]): ResultPromise =>
    execa(command, args, {
      cwd: checkoutPath,
      all: true,
      buffer: false,
      env: { VIRTUAL_ENV: undefined },
    });

  const step = logger.step(
    `building the Python environment (Python ${interpreter.version}, extras ${extras.join(", ")})`,
  );
  try {
    await runLogged(
      uv
        ? run(uv, ["venv", "--quiet", "--python", interpreter.path, dir])
        : run(interpreter.path, ["-m", "venv", dir]),
      log,
    );
    const requirements = [
      "-r",
      "pyproject.toml",
      ...extras.flatMap((extra) => ["--extra", extra]),
    ];
    await runLogged(
      uv
        ? run(uv, ["pip", "install", "--python", python, ...requirements])
        : run(python, ["-m", "pip", "install", ...requirements]),
      log,
    );
    await runLogged(
      execa(python, ["-c", "import litellm.proxy.proxy_server"], {
        cwd: checkoutPath,
        all: true,
        buffer: false,
        env: {
          PYTHONPATH: checkoutPath,
          LITELLM_LOCAL_MODEL_COST_MAP: "True",
        },
      }),
      log,
    );
  } catch (error) {
    step.fail();
    log.end();
    throw new UserError("building the Python environment failed", {
      exitCode: 1,
      cause: error,
      details: tailOf(logFile, 15),
      hint: `read the whole install log in ${logFile}, then run \`tdm-litellm sync\` again`,
    });
  }
  log.end();
  writeFileAtomic(
    path.join(dir, MARKER),
    JSON.stringify(
      { key, python: interpreter.version, extras, complete: true },
      null,
      2,
    ) + "\n",
  );
  step.done(uv ? "with uv" : "with pip (uv was not available)");
  return { ...environment, reused: false };
}

function isComplete(dir: string, key: string): boolean {
  try {
    const marker = JSON.parse(readFileSync(path.join(dir, MARKER), "utf8")) as {
      key?: string;
      complete?: boolean;
    };
    return marker.complete === true && marker.key === key;
  } catch {
    return false;
  }
}

function readPyprojectOrThrow(checkoutPath: string): string {
  const file = path.join(checkoutPath, "pyproject.toml");
  if (!existsSync(file)) {
    throw new UserError(`${checkoutPath} has no pyproject.toml`, {
      hint: "check that `litellm.path` in tdm-litellm.yaml is a LiteLLM checkout; `tdm-litellm checkout <ref>` makes one",
    });
  }
  return readFileSync(file, "utf8");
}

/** `requires-python` (PEP 621) or Poetry's `python` dependency. */
export function requiresPythonOf(pyproject: string): string | undefined {
  const pep621 = /^requires-python\s*=\s*"([^"]+)"/m.exec(pyproject);
  if (pep621) return pep621[1];
  const poetry =
    /\[tool\.poetry\.dependencies\][^[]*?^python\s*=\s*"([^"]+)"/ms.exec(
      pyproject,
    );
  return poetry?.[1];
}

/** The release's version from pyproject.toml, if written there. */
export function projectVersionOf(pyproject: string): string | undefined {
  return /^version\s*=\s*"([^"]+)"/m.exec(pyproject)?.[1];
}

async function runLogged(
  child: ResultPromise,
  log: NodeJS.WritableStream,
): Promise<void> {
  child.all?.pipe(log, { end: false });
  await child;
}

function tailOf(file: string, count: number): string[] {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-count);
  } catch {
    return [];
  }
}
