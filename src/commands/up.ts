import path from "node:path";
import type { GlobalOptions, UpCliOptions } from "../cli.js";
import { ExitCode, UserError } from "../errors.js";
import { tryReadHead } from "../litellm-checkout/index.js";
import { renderReport } from "../output/diagnostics.js";
import { maskSecret, secretValuesOf } from "../output/mask.js";
import { launcherPaths, projectStateDir } from "../paths.js";
import {
  checkProxyConfig,
  readEnvironmentVariablesBlock,
} from "../proxy-config/index.js";
import { ensurePythonEnvironment } from "../python-env/environment.js";
import { proxyEntry } from "../python-env/entry.js";
import {
  buildBaseEnvironment,
  buildProxyEnvironment,
  readEnvFileOrThrow,
} from "../proxy-process/environment.js";
import { baseUrl } from "../proxy-process/health.js";
import { proxyArgv } from "../proxy-process/launch.js";
import { isPortFree, tryFindPortHolder } from "../proxy-process/port.js";
import {
  handOverToProxy,
  runAttached,
  startDetached,
  type StartRequest,
} from "../proxy-process/start.js";
import {
  clearProxyState,
  isStateProcessAlive,
  tryReadProxyState,
} from "../proxy-process/state.js";
import type { WrapperConfig } from "../wrapper-config/load.js";
import { loadContext } from "./context.js";

export type UpOptions = GlobalOptions & UpCliOptions;

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1)$/;

export async function runUp(options: UpOptions): Promise<void> {
  const startedAt = performance.now();
  const { wrapper, logger } = loadContext(options);
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

  const running = tryReadProxyState(wrapper.projectDir);
  if (running && isStateProcessAlive(running)) {
    logger.info(
      `the proxy already runs at ${baseUrl(running.host, running.port)}/v1 (PID ${running.pid}); \`tdm-litellm down\` stops it`,
    );
    return;
  }
  if (running) clearProxyState(wrapper.projectDir);

  const commit = await verifyPinOrThrow(wrapper);

  const base = buildBaseEnvironment({ envFile: wrapper.envFilePath });
  const entry = proxyEntry(wrapper.checkoutPath, commit);
  const report = checkProxyConfig({
    file: wrapper.proxyConfigPath,
    env: base,
    litellmVersion: entry.version,
  });
  if (report.errorCount > 0) {
    process.stderr.write(renderReport(report));
    throw new UserError("the proxy config has errors; nothing was started", {
      exitCode: ExitCode.failed,
      hint: `fix them in ${path.relative(process.cwd(), wrapper.proxyConfigPath)}; \`tdm-litellm check-config\` checks again`,
    });
  }
  for (const diagnostic of report.diagnostics) {
    if (diagnostic.severity === "warning") {
      logger.warn(`${diagnostic.message} (${diagnostic.code})`);
    }
  }
  const configVariables = readEnvironmentVariablesBlock(report.config);
  const generalSettings = report.config?.general_settings as
    Record<string, unknown> | undefined;
  const databaseIntended =
    wrapper.data.database?.managed === true ||
    Boolean(generalSettings?.database_url);

  const environment = await ensurePythonEnvironment({
    checkoutPath: wrapper.checkoutPath,
    python: options.python ?? wrapper.data.python,
    logger,
  });
  if (environment.reused) {
    logger.verbose(`reusing ${environment.dir}`);
  }

  await assertPortFreeOrThrow(host, port);

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
    },
    banner: {
      host,
      port,
      version: entry.version,
      commit,
      masterKeySource: masterKey,
    },
    logPath: path.join(projectStateDir(wrapper.projectDir), "proxy.log"),
    timeoutMs: wrapper.data.proxy.startup_timeout_seconds * 1_000,
    startedAt,
    secrets: secretValuesOf(env),
    logger,
  };

  if (options.detach) {
    await startDetached(request);
    return;
  }
  const planFile = process.env.TDM_LITELLM_EXEC_PLAN;
  if (planFile) {
    handOverToProxy(request, planFile);
    return;
  }
  await runAttached(request);
}

function envFileSets(wrapper: WrapperConfig, name: string): boolean {
  return (
    wrapper.envFilePath !== undefined &&
    name in readEnvFileOrThrow(wrapper.envFilePath)
  );
}

async function verifyPinOrThrow(wrapper: WrapperConfig): Promise<string> {
  const pinned = wrapper.data.litellm.commit;
  if (!pinned) {
    throw new UserError("no LiteLLM pin recorded in tdm-litellm.yaml", {
      hint: "run `tdm-litellm checkout <tag>`, such as `tdm-litellm checkout v1.80.10`",
    });
  }
  const head = await tryReadHead(wrapper.checkoutPath);
  if (!head) {
    throw new UserError(`no LiteLLM checkout at ${wrapper.checkoutPath}`, {
      hint: `run \`tdm-litellm checkout ${wrapper.data.litellm.ref ?? pinned}\``,
    });
  }
  if (head !== pinned) {
    throw new UserError(
      `the checkout is at ${head.slice(0, 12)}, not at the pin ${pinned.slice(0, 12)} (${wrapper.data.litellm.ref ?? "commit"})`,
      {
        hint: `run \`tdm-litellm checkout\` to return to the pin, or \`tdm-litellm checkout <ref>\` to pin what is checked out`,
      },
    );
  }
  return head;
}

async function assertPortFreeOrThrow(
  host: string,
  port: number,
): Promise<void> {
  if (await isPortFree(host, port)) return;
  const holder = tryFindPortHolder(port);
  throw new UserError(
    holder
      ? `port ${port} is in use by PID ${holder.pid} (${holder.command})`
      : `port ${port} on ${host} is in use`,
    {
      hint: `stop that process, or choose another port with \`--port\` or \`proxy.port\` in tdm-litellm.yaml`,
    },
  );
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
