import type { Logger } from "../../src/output/logger.js";

/** A logger that keeps what it was told, for assertions. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(message),
    warn: (message) => lines.push(`warning ${message}`),
    verbose: (message) => lines.push(`verbose ${message}`),
    step: (title) => {
      lines.push(`step ${title}`);
      return {
        done: (note) => lines.push(`done ${title}${note ? `: ${note}` : ""}`),
        fail: (note) => lines.push(`fail ${title}${note ? `: ${note}` : ""}`),
      };
    },
  };
}
