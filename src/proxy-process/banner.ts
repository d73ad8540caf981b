import chalk from "chalk";
import { formatDuration } from "../output/logger.js";
import { baseUrl } from "./health.js";

export interface BannerFacts {
  host: string;
  port: number;
  version: string | undefined;
  commit: string | undefined;
  pid: number;
  elapsedMs: number;
  logPath: string | undefined;
  masterKeySource: string | undefined;
  detached: boolean;
}

/** What `up` prints once the proxy answers. */
export function renderReadyBanner(facts: BannerFacts): string {
  const base = baseUrl(facts.host, facts.port);
  const release = [
    facts.version && `LiteLLM ${facts.version}`,
    facts.commit?.slice(0, 12),
  ]
    .filter(Boolean)
    .join(" @ ");
  const rows: [string, string][] = [
    ["API base", `${base}/v1`],
    ["Admin UI", `${base}/ui`],
    ["Key", facts.masterKeySource ?? "none: the proxy accepts any request"],
    ["Log", facts.logPath ?? "this terminal"],
    ["PID", String(facts.pid)],
    [
      "Stop",
      facts.detached ? "tdm-litellm down" : "Ctrl-C, or tdm-litellm down",
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return (
    [
      `${chalk.green("✓")} proxy is up${release ? ` (${release})` : ""} after ${formatDuration(facts.elapsedMs)}`,
      ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    ].join("\n") + "\n"
  );
}
