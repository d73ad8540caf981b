import { execa, type ResultPromise } from "execa";
import { createHash } from "node:crypto";
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";
import { ExitCode, UserError } from "../errors.js";
import { writeFileAtomic } from "../fs-atomic.js";
import type { Logger, Step } from "../output/logger.js";
import { launcherPaths } from "../paths.js";
import {
  resolveDependencySetOrThrow,
  type DependencySet,
} from "./dependency-set.js";
import {
  findInterpreterCachedOrThrow,
  type Interpreter,
} from "./interpreter.js";
import {
  ensureNativeModule,
  installNativeFinder,
  nativeReadyFile,
} from "./native.js";
import { probeEnvironment } from "./probe.js";
import { readPyprojectOrThrow, type Pyproject } from "./pyproject.js";
import {
  fingerprintOf,
  KEY_FORMAT,
  MARKER_FILE,
  readCompleteMarker,
  writeFingerprint,
  type EnsureEnvironmentOptions,
  type EnvironmentMarker,
  type PythonEnvironment,
} from "./ready.js";
import { recordEnvironmentInUse } from "./registry.js";
import { tryEnsureUv } from "./uv.js";

const LOCK_STALE_MS = 30_000;
const LOG_TAIL_LINES = 20;

/**
 * The slow path of `ensurePythonEnvironment`: the environment reused when one with the
 * same key is complete, built otherwise. An environment counts as complete
 * only once its install and an import probe of the proxy passed.
 */
export async function buildOrReuseEnvironment(
  options: EnsureEnvironmentOptions,
): Promise<PythonEnvironment> {
  const plan = await planEnvironment(options);
  const { checkoutPath, logger } = options;
  const { interpreter, pyproject, uv, key } = plan;
  mkdirSync(launcherPaths().environments, { recursive: true });
  const release = await lockEnvironmentOrThrow(key);
  try {
    let reused = true;
    if (!readCompleteMarker(plan.dir, key)) {
      logger.info(interpreter.reason);
      await buildEnvironment({ ...plan, checkoutPath, logger });
      reused = false;
    } else {
      await ensureNativeModule({
        checkoutPath,
        version: pyproject.version,
        python: plan.python,
        pythonVersion: interpreter.version,
        uv,
        logger,
      });
    }
    writeFingerprint(fingerprintOf(options), {
      key,
      pythonVersion: interpreter.version,
      nativeFile:
        nativeReadyFile({
          checkoutPath,
          version: pyproject.version,
          pythonVersion: interpreter.version,
        }) ?? null,
    });
    recordEnvironmentInUse(checkoutPath, key);
    return {
      dir: plan.dir,
      python: plan.python,
      pythonVersion: interpreter.version,
      key,
      reused,
    };
  } finally {
    await release();
  }
}

export interface EnvironmentPlan {
  dir: string;
  python: string;
  key: string;
  pyproject: Pyproject;
  interpreter: Interpreter;
  dependencies: DependencySet;
  packages: string[];
  uv: string | undefined;
}

/**
 * Everything the environment's key is derived from: the interpreter, the
 * packaging and the dependency set. Starts Python (and uv, for a uv.lock),
 * so the no-change path avoids it.
 */
export async function planEnvironment(
  options: EnsureEnvironmentOptions,
): Promise<EnvironmentPlan> {
  const { checkoutPath, logger } = options;
  const pyproject = readPyprojectOrThrow(checkoutPath);
  const interpreter = await findInterpreterCachedOrThrow({
    requested: options.python,
    requiresPython: pyproject.requiresPython,
    cacheFile: path.join(launcherPaths().environments, ".interpreters.json"),
  });
  const uv = await tryEnsureUv(interpreter.path, logger);
  const dependencies = await resolveDependencySetOrThrow({
    checkoutPath,
    pyproject,
    extras: ["proxy", ...(options.extras ?? [])],
    uv,
  });
  for (const note of dependencies.notes) logger.verbose(note);
  const packages = [...new Set(options.packages ?? [])].sort();
  const key = environmentKey(interpreter, dependencies, packages);
  const dir = path.join(launcherPaths().environments, key);
  return {
    dir,
    python: path.join(dir, "bin", "python"),
    key,
    pyproject,
    interpreter,
    dependencies,
    packages,
    uv,
  };
}

function environmentKey(
  interpreter: Interpreter,
  dependencies: DependencySet,
  packages: string[],
): string {
  const material = {
    format: KEY_FORMAT,
    python: interpreter.version,
    implementation: interpreter.implementation,
    complete: dependencies.complete,
    requirements: dependencies.requirements,
    constraints: [...dependencies.constraints].sort(),
    overrides: [...dependencies.overrides].sort(),
    optional: dependencies.optional,
    packages,
  };
  return createHash("sha256")
    .update(JSON.stringify(material))
    .digest("hex")
    .slice(0, 16);
}

/** One build per key at a time, across processes. */
async function lockEnvironmentOrThrow(
  key: string,
): Promise<() => Promise<void>> {
  const environments = launcherPaths().environments;
  try {
    return await lockfile.lock(environments, {
      lockfilePath: path.join(environments, `.${key}.lock`),
      stale: LOCK_STALE_MS,
      retries: { retries: 1_000, minTimeout: 500, maxTimeout: 2_000 },
    });
  } catch (error) {
    throw new UserError("another tdm-litellm is building this environment", {
      cause: error,
      hint: "wait for it to finish, then run `tdm-litellm sync` again",
    });
  }
}

interface BuildInput extends EnvironmentPlan {
  checkoutPath: string;
  logger: Logger;
}

/**
 * Builds into the environment's own directory (a venv's scripts carry its
 * path), after removing what an interrupted build left there; the marker is
 * written last, so a half-built environment is never taken as ready.
 */
async function buildEnvironment(input: BuildInput): Promise<void> {
  const { dir, python, key, checkoutPath, dependencies, uv, logger } = input;
  const logFile = path.join(launcherPaths().logs, `install-${key}.log`);
  mkdirSync(path.dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile, { flags: "w" });
  const work = mkdtempSync(path.join(launcherPaths().environments, `.${key}-`));
  const interruption = watchForInterrupt();
  const run = (command: string, args: string[]): ResultPromise =>
    execa(command, args, {
      cwd: checkoutPath,
      all: true,
      buffer: false,
      cancelSignal: interruption.signal,
      env: {
        VIRTUAL_ENV: undefined,
        PYTHONPATH: undefined,
        PYTHONHOME: undefined,
      },
    });
  const installer = uv ? "uv" : "pip";
  if (!uv) {
    logger.warn(
      "uv is not available: building with `python -m venv` and pip, which takes several times longer and resolves without the lock file's help",
    );
  }

  let phase = "";
  let step: Step | undefined;
  const begin = (title: string) => {
    phase = title;
    step = logger.step(title);
    log.write(`\n### ${title}\n`);
  };

  try {
    rmSync(dir, { recursive: true, force: true });

    begin(`creating a Python ${input.interpreter.version} environment`);
    await runLogged(
      uv
        ? run(uv, ["venv", "--quiet", "--python", input.interpreter.path, dir])
        : run(input.interpreter.path, ["-m", "venv", dir]),
      log,
    );
    step?.done(path.basename(dir));

    const files = writeRequirementFiles(work, dependencies, input.packages);
    begin(
      `installing the proxy's dependencies (${describe(dependencies)}, ${dependencies.requirements.length} requirements)`,
    );
    await runLogged(
      run(...installCommand(uv, python, files.main, dependencies.complete)),
      log,
    );
    step?.done(installer);

    for (const requirement of dependencies.optional) {
      begin(`installing ${requirement}`);
      try {
        await runLogged(
          run(
            ...installCommand(uv, python, [requirement, ...files.pins], false),
          ),
          log,
        );
        step?.done();
      } catch (error) {
        if (interruption.signal.aborted) throw error;
        step?.fail("not on the index at that version; left out");
      }
    }

    if (input.packages.length > 0) {
      begin(
        `installing ${input.packages.join(", ")} for the config's callbacks`,
      );
      await runLogged(
        run(
          ...installCommand(
            uv,
            python,
            [...input.packages, ...files.pins],
            false,
          ),
        ),
        log,
      );
      step?.done();
    }

    await installNativeFinder(python);
    await ensureNativeModule({
      checkoutPath,
      version: input.pyproject.version,
      python,
      pythonVersion: input.interpreter.version,
      uv,
      logger,
      cancelSignal: interruption.signal,
      log,
    });

    begin("checking that the proxy's modules import");
    await runLogged(
      probeEnvironment({
        python,
        checkoutPath,
        cancelSignal: interruption.signal,
      }),
      log,
    );
    step?.done();
  } catch (error) {
    step?.fail();
    log.end();
    rmSync(dir, { recursive: true, force: true });
    if (interruption.signal.aborted) {
      throw new UserError(
        `interrupted while ${phase}; the partial environment was removed`,
        {
          exitCode: ExitCode.interrupted,
          hint: "run `tdm-litellm sync` to build it again",
        },
      );
    }
    throw new UserError(`${phase} failed`, {
      exitCode: ExitCode.failed,
      cause: error,
      details: [
        ...tailOf(logFile, LOG_TAIL_LINES),
        `(the whole log: ${logFile})`,
      ],
      hint: `read ${logFile}, fix the cause, then run \`tdm-litellm sync\` again`,
    });
  } finally {
    interruption.dispose();
    rmSync(work, { recursive: true, force: true });
  }
  log.end();

  const marker: EnvironmentMarker = {
    key,
    complete: true,
    python,
    pythonVersion: input.interpreter.version,
    packaging: dependencies.packaging,
    extras: dependencies.extras,
    builtAt: new Date().toISOString(),
    installer,
  };
  writeFileAtomic(
    path.join(dir, MARKER_FILE),
    JSON.stringify(marker, null, 2) + "\n",
  );
}

function describe(dependencies: DependencySet): string {
  const extras = `extras ${dependencies.extras.join(", ")}`;
  switch (dependencies.packaging) {
    case "uv-lock":
      return `locked by uv.lock, ${extras}`;
    case "poetry-lock":
      return `locked by poetry.lock, ${extras}`;
    case "declared":
      return `as pyproject.toml declares them, ${extras}`;
  }
}

interface RequirementFiles {
  /** Arguments naming the main requirements, constraints and overrides. */
  main: string[];
  /** Arguments that hold later installs to what the main one chose. */
  pins: string[];
}

function writeRequirementFiles(
  work: string,
  dependencies: DependencySet,
  packages: string[],
): RequirementFiles {
  const write = (name: string, lines: string[]) => {
    const file = path.join(work, name);
    writeFileSync(file, lines.join("\n") + "\n");
    return file;
  };
  const main = ["-r", write("requirements.txt", dependencies.requirements)];
  const pins: string[] = [];
  if (dependencies.constraints.length > 0) {
    const constraints = write("constraints.txt", dependencies.constraints);
    main.push("-c", constraints);
    pins.push("-c", constraints);
  }
  if (dependencies.overrides.length > 0) {
    main.push("--override", write("overrides.txt", dependencies.overrides));
  }
  if (dependencies.complete || packages.length > 0) {
    // Later installs must not move what the lock chose.
    const locked = dependencies.requirements.filter(
      (line) => !line.startsWith("-e"),
    );
    pins.push("-c", write("locked.txt", locked));
  }
  return { main, pins };
}

function installCommand(
  uv: string | undefined,
  python: string,
  requirements: string[],
  noDeps: boolean,
): [string, string[]] {
  const flags = noDeps ? ["--no-deps"] : [];
  if (uv) {
    return [
      uv,
      ["pip", "install", "--python", python, ...flags, ...requirements],
    ];
  }
  const pipArgs = [...requirements];
  const override = pipArgs.indexOf("--override");
  // pip has no overrides; constraints are the closest it has.
  if (override !== -1) pipArgs[override] = "-c";
  return [
    python,
    [
      "-m",
      "pip",
      "install",
      "--disable-pip-version-check",
      ...flags,
      ...pipArgs,
    ],
  ];
}

/**
 * Ctrl-C (or SIGTERM) during a build cancels the installer and lets the
 * build remove its partial environment before the command ends with 130.
 */
function watchForInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
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
