import chalk from "chalk";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { GlobalOptions } from "../cli.js";
import { ExitCode, ExitError } from "../errors.js";
import { inspectPin, type PinReport } from "../litellm-checkout/index.js";
import { formatBytes, formatDuration } from "../output/logger.js";
import {
  inspectProxy,
  type ProxyInspection,
} from "../proxy-process/inspect.js";
import { proxyLogPath } from "../proxy-process/log-file.js";
import { tryReadLastEnvironment } from "../proxy-process/state.js";
import type { WrapperConfig } from "../wrapper-config/load.js";
import { loadContext } from "./context.js";

export type StatusOptions = GlobalOptions & { json?: boolean };

/** The marker a complete Python environment carries (see python-env). */
const ENVIRONMENT_MARKER = "tdm-litellm-env.json";

/**
 * The status as data: the same object feeds `--json` and the text. It
 * holds paths, a port and commit ids, never a secret.
 */
export interface ProjectStatus {
  project: string;
  pin: { ref: string | null; commit: string | null };
  checkout: {
    path: string;
    present: boolean;
    head: string | null;
    atPin: boolean;
    /** Commits of the user's own on top of the pin. */
    localCommits: number;
    /**
     * Changed and untracked files in the tree, without LiteLLM's own
     * rewrite of its UI bundle.
     */
    localChanges: number;
    /** Whether LiteLLM rewrote its UI bundle inside the checkout. */
    uiBundleChanged: boolean;
    /** The patches of tdm-litellm.yaml and whether each is applied. */
    patches: { file: string; state: string }[];
  };
  environment: {
    dir: string;
    python: string;
    complete: boolean;
    /** The commit it was last used for. */
    commit: string;
  } | null;
  proxy:
    | { running: false }
    | {
        running: true;
        healthy: boolean;
        pid: number;
        mode: "foreground" | "detached";
        startedAt: string;
        uptimeSeconds: number;
        host: string;
        port: number;
        version: string | null;
        commit: string | null;
        configPath: string;
        logPath: string | null;
        processCount: number;
        residentBytes: number | null;
        liveliness: {
          status: number | null;
          body: string | null;
          error: string | null;
        };
        urls: { api: string; ui: string; liveliness: string };
      };
  /** Things found and done while looking, such as a stale state cleared. */
  notes: string[];
}

/** Exit 0 when running and healthy, 1 when not running, 3 when unhealthy. */
export async function runStatus(options: StatusOptions): Promise<void> {
  const { wrapper, logger } = await loadContext(options);
  const status = await readProjectStatus(wrapper);

  if (options.json) {
    process.stdout.write(JSON.stringify(status, null, 2) + "\n");
  } else {
    for (const note of status.notes) logger.info(note);
    process.stdout.write(renderStatus(status));
  }
  const code = exitCodeOf(status);
  if (code !== ExitCode.ok) throw new ExitError(code);
}

export function exitCodeOf(status: ProjectStatus): ExitCode {
  if (!status.proxy.running) return ExitCode.failed;
  return status.proxy.healthy ? ExitCode.ok : ExitCode.unhealthy;
}

export async function readProjectStatus(
  wrapper: WrapperConfig,
): Promise<ProjectStatus> {
  const { projectDir, checkoutPath } = wrapper;
  const pinned = wrapper.data.litellm.commit;
  const [pin, inspection] = await Promise.all([
    inspectPin({
      checkoutPath,
      pinnedCommit: pinned,
      patchPaths: wrapper.patchPaths,
    }),
    inspectProxy(projectDir),
  ]);

  return {
    project: projectDir,
    pin: { ref: wrapper.data.litellm.ref ?? null, commit: pinned ?? null },
    checkout: checkoutStatusOf(pin),
    environment: readEnvironment(projectDir),
    proxy: proxyStatusOf(inspection),
    notes:
      !inspection.running && inspection.staleNote ? [inspection.staleNote] : [],
  };
}

function proxyStatusOf(inspection: ProxyInspection): ProjectStatus["proxy"] {
  if (!inspection.running) return { running: false };
  const { state } = inspection;
  return {
    running: true,
    healthy: inspection.healthy,
    pid: state.pid,
    mode: state.mode,
    startedAt: state.startedAt,
    uptimeSeconds: inspection.uptimeSeconds,
    host: state.host,
    port: state.port,
    version: state.version ?? null,
    commit: state.commit ?? null,
    configPath: state.configPath,
    logPath: state.logPath ?? null,
    processCount: inspection.processCount,
    residentBytes: inspection.residentBytes ?? null,
    liveliness: {
      status: inspection.liveliness.status ?? null,
      body: inspection.liveliness.body ?? null,
      error: inspection.liveliness.error ?? null,
    },
    urls: inspection.urls,
  };
}

/**
 * The environment the last `up` used, and whether it is still complete
 * (its marker is written only after install and import probe passed).
 * TODO: ask python-env which environment the checkout needs now, once it
 * exports a lookup that builds nothing (the python-env branch adds
 * `tryFindReadyEnvironment`).
 */
function readEnvironment(projectDir: string): ProjectStatus["environment"] {
  const last = tryReadLastEnvironment(projectDir);
  if (!last) return null;
  let complete = false;
  try {
    const marker = JSON.parse(
      readFileSync(path.join(last.dir, ENVIRONMENT_MARKER), "utf8"),
    ) as { complete?: unknown };
    complete = marker.complete === true && existsSync(last.python);
  } catch {
    complete = false;
  }
  return { ...last, complete };
}

function checkoutStatusOf(pin: PinReport): ProjectStatus["checkout"] {
  return {
    path: pin.checkoutPath,
    present: pin.present,
    head: pin.head ?? null,
    atPin: pin.atPin,
    localCommits: pin.localCommits,
    localChanges: pin.dirtyFiles.length,
    uiBundleChanged: pin.uiOutputChanged,
    patches: pin.patches.map((patch) => ({
      file: patch.file,
      state: patch.state,
    })),
  };
}

export function renderStatus(status: ProjectStatus): string {
  const rows: [string, string][] = [];
  const short = (commit: string | null) => commit?.slice(0, 12) ?? "none";

  const { pin, checkout } = status;
  rows.push([
    "Pin",
    pin.commit
      ? `${pin.ref ?? "commit"} (${short(pin.commit)})`
      : "none: run `tdm-litellm checkout <tag>`",
  ]);
  rows.push([
    "Checkout",
    !checkout.present
      ? `missing at ${checkout.path}`
      : [
          `${checkout.path} at ${short(checkout.head)}`,
          checkout.atPin ? "at the pin" : chalk.yellow("not at the pin"),
          checkout.localCommits > 0
            ? `${checkout.localCommits} local commit${checkout.localCommits === 1 ? "" : "s"}`
            : undefined,
          `${checkout.localChanges} local change${checkout.localChanges === 1 ? "" : "s"}`,
          checkout.uiBundleChanged
            ? "UI bundle rewritten by LiteLLM"
            : undefined,
          checkout.patches.length > 0
            ? `patches: ${checkout.patches.map((patch) => `${path.basename(patch.file)} (${patch.state})`).join(", ")}`
            : undefined,
        ]
          .filter(Boolean)
          .join(", "),
  ]);
  rows.push([
    "Python",
    status.environment
      ? `${status.environment.dir} (${status.environment.complete ? "complete" : chalk.yellow("incomplete: `tdm-litellm sync` rebuilds it")})`
      : "not built for this project yet: `tdm-litellm sync` or `up` builds it",
  ]);

  const { proxy } = status;
  if (!proxy.running) {
    rows.push([
      "Proxy",
      `${chalk.dim("not running")}; \`tdm-litellm up\` starts it`,
    ]);
    rows.push(["Log", proxyLogPath(status.project)]);
    return renderRows(rows);
  }

  const answer =
    proxy.liveliness.status === undefined || proxy.liveliness.status === null
      ? `no answer (${proxy.liveliness.error ?? "unknown"})`
      : `${proxy.liveliness.status}${proxy.liveliness.body ? ` ${JSON.stringify(proxy.liveliness.body)}` : ""}`;
  rows.push([
    "Proxy",
    `${proxy.healthy ? chalk.green("running") : chalk.yellow("running, not answering")} (${proxy.mode}${proxy.version ? `, LiteLLM ${proxy.version}` : ""})`,
  ]);
  rows.push(["PID", String(proxy.pid)]);
  rows.push(["Uptime", formatDuration(proxy.uptimeSeconds * 1_000)]);
  rows.push(["Liveliness", answer]);
  rows.push([
    "Memory",
    proxy.residentBytes === null
      ? "unknown"
      : `${formatBytes(proxy.residentBytes)} resident in ${proxy.processCount} process${proxy.processCount === 1 ? "" : "es"}`,
  ]);
  rows.push(["API base", proxy.urls.api]);
  rows.push(["Admin UI", proxy.urls.ui]);
  rows.push(["Config", proxy.configPath]);
  rows.push(["Log", proxy.logPath ?? "the terminal that started it"]);
  return renderRows(rows);
}

function renderRows(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return (
    rows
      .map(([label, value]) => `${label.padEnd(width)}  ${value}`)
      .join("\n") + "\n"
  );
}
