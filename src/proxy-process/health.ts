/** How often the liveliness endpoint is asked while the proxy starts. */
export const HEALTH_POLL_INTERVAL_MS = 250;
const HEALTH_REQUEST_TIMEOUT_MS = 2_000;

export type WaitOutcome = "healthy" | "exited" | "timeout";

/** The public probe that touches no database or provider. */
export function livelinessUrl(host: string, port: number): string {
  return `${baseUrl(host, port)}/health/liveliness`;
}

export function baseUrl(host: string, port: number): string {
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`;
}

/** One request to the liveliness endpoint: its status, or undefined. */
export async function tryProbeLiveliness(
  url: string,
): Promise<number | undefined> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(HEALTH_REQUEST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the proxy answers its liveliness probe, stopping early when
 * the process is gone.
 */
export async function waitUntilHealthy(options: {
  url: string;
  timeoutMs: number;
  isAlive: () => boolean;
}): Promise<WaitOutcome> {
  const deadline = performance.now() + options.timeoutMs;
  while (performance.now() < deadline) {
    if (!options.isAlive()) return "exited";
    if ((await tryProbeLiveliness(options.url)) === 200) return "healthy";
    await new Promise((resolve) =>
      setTimeout(resolve, HEALTH_POLL_INTERVAL_MS),
    );
  }
  return "timeout";
}
