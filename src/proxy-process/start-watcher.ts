/**
 * Runs beside a foreground proxy only while it starts: waits until the
 * proxy answers, prints where to reach it, and exits. The proxy itself
 * replaced the launcher, so this is the only launcher code still running,
 * and only until the proxy is healthy.
 */
import chalk from "chalk";
import { renderReadyBanner, type BannerFacts } from "./banner.js";
import { livelinessUrl, waitUntilHealthy } from "./health.js";
import { isProcessAlive } from "./process-info.js";

interface WatchRequest {
  facts: BannerFacts;
  startedAtEpochMs: number;
  timeoutMs: number;
}

const request = JSON.parse(process.argv[2] ?? "{}") as WatchRequest;
const { facts } = request;
const outcome = await waitUntilHealthy({
  url: livelinessUrl(facts.host, facts.port),
  timeoutMs: request.timeoutMs,
  isAlive: () => isProcessAlive(facts.pid),
});

if (outcome === "healthy") {
  const elapsedMs = Date.now() - request.startedAtEpochMs;
  process.stderr.write(renderReadyBanner({ ...facts, elapsedMs }));
} else if (outcome === "exited") {
  process.stderr.write(
    `${chalk.red("error")} the proxy exited during start-up; its output is above\n`,
  );
} else {
  process.stderr.write(
    `${chalk.red("error")} the proxy did not answer ${livelinessUrl(facts.host, facts.port)} within ${Math.round(request.timeoutMs / 1000)} s; it is still running (PID ${facts.pid})\n`,
  );
}
