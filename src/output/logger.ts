import chalk from "chalk";

/**
 * Logs go to stderr, data to stdout. On a terminal a step shows as one
 * line that is finished in place; elsewhere each event is a plain line.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  step(title: string): Step;
  verbose(message: string): void;
}

export interface Step {
  done(note?: string): void;
  fail(note?: string): void;
}

export interface LoggerOptions {
  stream?: NodeJS.WriteStream;
  verbose?: boolean;
  quiet?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const live = stream.isTTY === true;
  const write = (line: string) => {
    if (!options.quiet) stream.write(`${line}\n`);
  };

  return {
    info: write,
    warn: (message) => write(`${chalk.yellow("warning")} ${message}`),
    verbose: (message) => {
      if (options.verbose) write(chalk.dim(message));
    },
    step(title) {
      const started = performance.now();
      const elapsed = () =>
        chalk.dim(`(${formatDuration(performance.now() - started)})`);
      if (live && !options.quiet) stream.write(`${chalk.dim("…")} ${title}`);
      else write(`${title} …`);
      const finish = (mark: string, note?: string) => {
        const text = `${mark} ${title}${note ? `: ${note}` : ""} ${elapsed()}`;
        if (live && !options.quiet) stream.write(`\r\x1b[2K${text}\n`);
        else write(text);
      };
      return {
        done: (note) => finish(chalk.green("✓"), note),
        fail: (note) => finish(chalk.red("✗"), note),
      };
    },
  };
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return `${minutes} min ${seconds} s`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
