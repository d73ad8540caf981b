import path from "node:path";
import type { GlobalOptions, UpCliOptions } from "../cli.js";
import { ExitCode, UserError } from "../errors.js";
import { verifyPinOrThrow } from "../litellm-checkout/index.js";
import { renderReport } from "../output/diagnostics.js";
import { maskSecret, secretValuesOf } from "../output/mask.js";
import { launcherPaths } from "../paths.js";
import {
  checkProxyConfig,
  readEnvironmentVariablesBlock,
  type Diagnostic,
} from "../proxy-config/index.js";
import { ensurePythonEnvironment } from "../python-env/environment.js";
import { proxyEntry } from "../python-env/entry.js";
import {
  buildBaseEnvironment,
  buildProxyEnvironment,
  readEnvFileOrThrow,
} from "../proxy-process/environment.js";
import { baseUrl } from "../proxy-process/health.js";
import { inspectProxy } from "../proxy-process/inspect.js";
import { proxyArgv } from "../proxy-process/launch.js";
import { proxyLogPath } from "../proxy-process/log-file.js";
import {
  isPortFree,
  tryFindPortHolder,
  type PortHolder,
} from "../proxy-process/port.js";
import {
  handOverToProxy,
  runAttached,
  startDetached,
  type StartRequest,
} from "../proxy-process/start.js";
import { tryLockStart } from "../proxy-process/start-lock.js";
import {
  recordLastEnvironment,
  tryReadProxyState,
} from "../proxy-process/state.js";
import type { Logger } from "../output/logger.js";
import type { WrapperConfig } from "../wrapper-config/load.js";
import { runDown } from "./down.js";
import { loadContext } from "./context.js";

export type UpOptions = GlobalOptions & UpCliOptions;

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1)$/;

export async function runUp(options: UpOptions): Promise<void> {
  const startedAt = performance.now();
  const { wrapper, logger } = await loadContext(options);
  const host = options.host ?? wrapper.data.proxy.host;
  const port = options.port ?? wrapper.data.proxy.port;
  const allowNonLoopback =
    options.allowNonLoopback === true || wrapper.data.proxy.allow_non_loopback;
  if (!LOOPBACK.test(host) && !allowNonLoopback) {
    throw new UserError(
      `refusing to bind ${host}: it is not a loopback address`,
      {
        hint: "keep the default 127.0.0.1, or pass `--allow-non-loopback` with a strong master key",
      },
    );
  }

  // From "does one run?" until the new one is recorded, one `up` at a time.
  const release = await tryLockStart(wrapper.projectDir);
  if (!release) {
    logger.info(
      "another `tdm-litellm up` is starting the proxy for this project right now; `tdm-litellm status` shows when it answers",
    );
    return;
  }
  try {
    if (await isAlreadyRunning(wrapper.projectDir, logger, { host, port })) {
      return;
    }
    await prepareAndStart(options, {
      wrapper,
      logger,
      host,
      port,
      release,
      startedAt,
    });
  } finally {
    await release();
  }
}

/**
 * Says so when the project's proxy runs, and refuses when it runs on
 * another address than the one asked for; clears a stale record.
 */
async function isAlreadyRunning(
  projectDir: string,
  logger: Logger,
  wanted: { host: string; port: number },
): Promise<boolean> {
  const found = await inspectProxy(projectDir);
  if (!found.running) {
    if (found.staleNote) logger.info(found.staleNote);
    return false;
  }
  const { pid, host, port } = found.state;
  if (host !== wanted.host || port !== wanted.port) {
    throw new UserError(
      `the proxy of this project already runs at ${baseUrl(host, port)} (PID ${pid}), not at ${baseUrl(wanted.host, wanted.port)}`,
      {
        hint: `move it with \`tdm-litellm restart --port ${wanted.port}\`, or stop it with \`tdm-litellm down\``,
      },
    );
  }
  logger.info(
    found.healthy
      ? `the proxy already runs at ${baseUrl(host, port)}/v1 (PID ${pid}); \`tdm-litellm down\` stops it`
      : `the proxy is starting (PID ${pid}, ${baseUrl(host, port)}); \`tdm-litellm status\` shows when it answers`,
  );
  return true;
}

/** The steps in order: pin, env, config check, sync, port, start. */
async function prepareAndStart(
  options: UpOptions,
  context: {
    wrapper: WrapperConfig;
    logger: Logger;
    host: string;
    port: number;
    release: () => Promise<void>;
    startedAt: number;
  },
): Promise<void> {
  const { wrapper, logger, host, port, release, startedAt } = context;
  // Git answers in processes of its own while this one checks the config;
  // the pin's verdict is still the first one reported.
  const pinCheck = verifyPinOrThrow({
    checkoutPath: wrapper.checkoutPath,
    pinnedRef: wrapper.data.litellm.ref,
    pinnedCommit: wrapper.data.litellm.commit,
    patchPaths: wrapper.patchPaths,
  });
  pinCheck.catch(() => undefined);
  let checked: ReturnType<typeof checkConfigForStart>;
  try {
    checked = checkConfigForStart(wrapper);
  } catch (error) {
    await pinCheck;
    throw error;
  }
  const { head: commit, notes } = await pinCheck;
  for (const note of notes) logger.info(note);
  const { base, entry, report } = checked;

  if (report.errorCount > 0) {
    process.stderr.write(renderReport(report));
    throw new UserError("the proxy config has errors; nothing was started", {
      exitCode: ExitCode.failed,
      hint: `fix them in ${path.relative(process.cwd(), wrapper.proxyConfigPath)}; \`tdm-litellm check-config\` checks again`,
    });
  }
  assertKeyFitsHostOrThrow(host, report.diagnostics);
  for (const diagnostic of report.diagnostics) {
    if (diagnostic.severity === "warning") {
      logger.warn(`${diagnostic.message} (${diagnostic.code})`);
    }
  }
  const configVariables = readEnvironmentVariablesBlock(report.config, base);
  const generalSettings = report.config?.general_settings as
    Record<string, unknown> | undefined;
  const databaseIntended =
    wrapper.data.database?.managed === true ||
    Boolean(generalSettings?.database_url) ||
    envFileSets(wrapper, "DATABASE_URL");
  if (!databaseIntended && base.DATABASE_URL) {
    logger.info(
      "DATABASE_URL from the shell is not passed to the proxy; put it in the env file, or set `general_settings.database_url`, to use a database",
    );
  }

  const environment = await ensurePythonEnvironment({
    checkoutPath: wrapper.checkoutPath,
    python: options.python ?? wrapper.data.python,
    logger,
  });
  if (environment.reused) {
    logger.verbose(`reusing ${environment.dir}`);
  }

  recordLastEnvironment(wrapper.projectDir, {
    dir: environment.dir,
    python: environment.python,
    commit,
  });

  await assertPortFreeOrThrow(host, port, wrapper.projectDir);

  const env = buildProxyEnvironment({
    base,
    configVariables,
    databaseIntended,
    pythonPath: entry.pythonPath,
    uiDir: path.join(launcherPaths().ui, commit),
    bytecodeDir: launcherPaths().bytecode,
    keepDontWriteBytecode: envFileSets(wrapper, "PYTHONDONTWRITEBYTECODE"),
  });
  const masterKey = masterKeyOf(generalSettings, env);
  const request: StartRequest = {
    plan: {
      argv: proxyArgv({
        python: environment.python,
        entryArgs: entry.args,
        configPath: wrapper.proxyConfigPath,
        host,
        port,
        workers: wrapper.data.proxy.workers,
      }),
      env,
      cwd: wrapper.projectDir,
    },
    projectDir: wrapper.projectDir,
    state: {
      host,
      port,
      ref: wrapper.data.litellm.ref,
      commit,
      configPath: wrapper.proxyConfigPath,
      environmentDir: environment.dir,
      version: entry.version,
    },
    banner: {
      host,
      port,
      version: entry.version,
      commit,
      masterKeySource: masterKey,
    },
    logPath: proxyLogPath(wrapper.projectDir),
    timeoutMs: wrapper.data.proxy.startup_timeout_seconds * 1_000,
    startedAt,
    secrets: secretValuesOf(env),
    logger,
    onRecorded: release,
  };

  if (options.detach) {
    await startDetached(request);
    return;
  }
  const planFile = process.env.TDM_LITELLM_EXEC_PLAN;
  if (planFile) {
    await handOverToProxy(request, planFile);
    return;
  }
  await runAttached(request);
}

/** The proxy's base environment and its config, checked in it. */
function checkConfigForStart(wrapper: WrapperConfig) {
  const base = buildBaseEnvironment({ envFile: wrapper.envFilePath });
  const entry = proxyEntry(wrapper.checkoutPath);
  const report = checkProxyConfig({
    file: wrapper.proxyConfigPath,
    env: base,
    litellmVersion: entry.version,
  });
  return { base, entry, report };
}

/** Codes of the config check that say the master key can be guessed. */
const WEAK_KEY_CODES = new Set(["master-key-unsafe", "master-key-weak"]);

/**
 * Beyond loopback anyone on the network can reach the proxy: refuse a
 * missing, example or weak master key there.
 */
function assertKeyFitsHostOrThrow(
  host: string,
  diagnostics: readonly Diagnostic[],
): void {
  if (LOOPBACK.test(host)) return;
  const weak = diagnostics.find((d) => WEAK_KEY_CODES.has(d.code));
  if (!weak) return;
  throw new UserError(
    `refusing to bind ${host}, reachable from other machines: ${weak.message}`,
    {
      location: {
        file: weak.file,
        ...(weak.line !== undefined && { line: weak.line }),
        ...(weak.column !== undefined && { column: weak.column }),
      },
      hint: weak.hint ?? "set a long random `sk-` master key in .env",
    },
  );
}

function envFileSets(wrapper: WrapperConfig, name: string): boolean {
  return (
    wrapper.envFilePath !== undefined &&
    name in readEnvFileOrThrow(wrapper.envFilePath)
  );
}

async function assertPortFreeOrThrow(
  host: string,
  port: number,
  projectDir: string,
): Promise<void> {
  if (await isPortFree(host, port)) return;
  const holder = tryFindPortHolder(port);
  throw new UserError(describePortConflict(host, port, holder, projectDir), {
    hint: holder?.ourProxy?.projectDir
      ? holder.ourProxy.projectDir === projectDir
        ? `this project's proxy runs without a record; stop it with \`kill ${holder.pid}\`, then run \`tdm-litellm up\` again`
        : `run \`tdm-litellm down\` in ${holder.ourProxy.projectDir}, or choose another port with \`--port\` or \`proxy.port\` in tdm-litellm.yaml`
      : "stop that process, or choose another port with `--port` or `proxy.port` in tdm-litellm.yaml",
  });
}

function describePortConflict(
  host: string,
  port: number,
  holder: PortHolder | undefined,
  projectDir: string,
): string {
  if (!holder) {
    return `port ${port} on ${host} is in use (the system does not show by which process)`;
  }
  const who = `PID ${holder.pid} (${holder.command})`;
  if (!holder.ourProxy) return `port ${port} is in use by ${who}`;
  const owner = holder.ourProxy.projectDir;
  if (!owner) return `port ${port} is in use by a tdm-litellm proxy, ${who}`;
  return owner === projectDir
    ? `port ${port} is in use by this project's own proxy, ${who}, which has no record in .tdm-litellm`
    : `port ${port} is in use by the tdm-litellm proxy of another project, ${owner}: ${who}`;
}

/**
 * `down`, then `up` with the same options: what is not given again is
 * taken from the proxy that ran (its host, port and whether it was
 * detached), so `restart` brings back what `up` started.
 */
export async function runRestart(options: UpOptions): Promise<void> {
  const { wrapper } = await loadContext(options);
  const previous = tryReadProxyState(wrapper.projectDir);
  await runDown(options);
  await runUp({
    ...options,
    host: options.host ?? previous?.host,
    port: options.port ?? previous?.port,
    detach: options.detach ?? previous?.mode === "detached",
  });
}

/** Where the master key comes from, with its value masked. */
function masterKeyOf(
  generalSettings: Record<string, unknown> | undefined,
  env: Record<string, string>,
): string | undefined {
  const configured = generalSettings?.master_key;
  if (typeof configured === "string" && configured.startsWith("os.environ/")) {
    const name = configured.slice("os.environ/".length);
    const value = env[name];
    return value ? `${name} (${maskSecret(value)})` : undefined;
  }
  if (typeof configured === "string" && configured) {
    return `general_settings.master_key (${maskSecret(configured)})`;
  }
  const fromEnv = env.LITELLM_MASTER_KEY;
  return fromEnv ? `LITELLM_MASTER_KEY (${maskSecret(fromEnv)})` : undefined;
}
