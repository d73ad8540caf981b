import { baseUrl, livelinessUrl } from "./health.js";
import { listProcessTree, tryReadTreeResidentBytes } from "./process-info.js";
import {
  clearProxyState,
  describeStaleState,
  staleReasonOf,
  tryReadProxyState,
  type ProxyState,
} from "./state.js";

const LIVELINESS_TIMEOUT_MS = 3_000;
const LIVELINESS_BODY_CHARS = 200;

export interface Liveliness {
  /** The HTTP status, or undefined when nothing answered. */
  status: number | undefined;
  /** The answer's body (LiteLLM says "I'm alive!"), shortened. */
  body: string | undefined;
  error: string | undefined;
}

export type ProxyInspection =
  | {
      running: false;
      /** Set when a stale state was found and cleared. */
      staleNote: string | undefined;
    }
  | {
      running: true;
      healthy: boolean;
      state: ProxyState;
      uptimeSeconds: number;
      /** The proxy and every process below it. */
      processCount: number;
      residentBytes: number | undefined;
      liveliness: Liveliness;
      urls: { api: string; ui: string; liveliness: string };
    };

/**
 * What runs for the project, told truthfully: the recorded process is
 * checked by PID and start time, a stale record is cleared, and a running
 * one is asked its liveliness.
 */
export async function inspectProxy(
  projectDir: string,
): Promise<ProxyInspection> {
  const state = tryReadProxyState(projectDir);
  if (!state) return { running: false, staleNote: undefined };

  const staleReason = staleReasonOf(state);
  if (staleReason) {
    clearProxyState(projectDir);
    // A foreground proxy that ended with Ctrl-C left its record behind:
    // that is its normal end, not news.
    const normalEnd = state.mode === "foreground" && staleReason === "exited";
    return {
      running: false,
      staleNote: normalEnd ? undefined : describeStaleState(state, staleReason),
    };
  }

  const liveliness = await probeLiveliness(
    livelinessUrl(state.host, state.port),
  );
  const base = baseUrl(state.host, state.port);
  const started = Date.parse(state.startedAt);
  return {
    running: true,
    healthy: liveliness.status === 200,
    state,
    uptimeSeconds: Number.isNaN(started)
      ? 0
      : Math.max(0, Math.round((Date.now() - started) / 1_000)),
    processCount: listProcessTree(state.pid).length,
    residentBytes: tryReadTreeResidentBytes(state.pid),
    liveliness,
    urls: {
      api: `${base}/v1`,
      ui: `${base}/ui`,
      liveliness: livelinessUrl(state.host, state.port),
    },
  };
}

async function probeLiveliness(url: string): Promise<Liveliness> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(LIVELINESS_TIMEOUT_MS),
    });
    const text = (await response.text()).trim();
    let body = text;
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === "string") body = parsed;
    } catch {
      // Not JSON: keep the text.
    }
    return {
      status: response.status,
      body: body.slice(0, LIVELINESS_BODY_CHARS),
      error: undefined,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      status: undefined,
      body: undefined,
      error: cause ?? (error as Error).name,
    };
  }
}
