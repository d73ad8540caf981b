import chalk from "chalk";
import { readFileSync } from "node:fs";
import { UserError } from "../errors.js";
import { maskSourceLine, maskUrlPasswords } from "./mask.js";

/** One short block: what happened, where, and what fixes it. */
export function renderError(
  error: unknown,
  options: { verbose: boolean },
): string {
  if (!(error instanceof UserError)) {
    const stack =
      error instanceof Error ? (error.stack ?? error.message) : String(error);
    return (
      [
        `${chalk.red("error")} tdm-litellm failed unexpectedly: ${firstLine(error)}`,
        options.verbose ? stack : "run again with --verbose for the stack",
        "this is a bug in tdm-litellm; please report it with the command you ran",
      ].join("\n") + "\n"
    );
  }

  const lines: string[] = [];
  const where = error.location
    ? [
        error.location.file,
        error.location.line,
        error.location.line ? error.location.column : undefined,
      ]
        .filter((part) => part !== undefined)
        .join(":")
    : undefined;
  lines.push(
    `${chalk.red("error")} ${where ? `${chalk.bold(where)} ` : ""}${error.message}`,
  );
  const excerpt = error.location ? sourceExcerpt(error.location) : [];
  lines.push(...excerpt);
  for (const detail of error.details) lines.push(`  ${detail}`);
  if (error.hint) lines.push(`${chalk.cyan("fix:")} ${error.hint}`);
  if (options.verbose && error.stack) lines.push(chalk.dim(error.stack));
  return maskUrlPasswords(lines.join("\n")) + "\n";
}

/** The line at a location and a caret under its column. */
export function sourceExcerpt(location: {
  file: string;
  line?: number;
  column?: number;
}): string[] {
  if (!location.line) return [];
  let text: string;
  try {
    text = readFileSync(location.file, "utf8");
  } catch {
    return [];
  }
  const line = text.split(/\r?\n/)[location.line - 1];
  if (line === undefined) return [];
  const gutter = `${location.line} | `;
  const caret =
    location.column !== undefined
      ? [`${" ".repeat(gutter.length + location.column - 1)}${chalk.red("^")}`]
      : [];
  return [
    `${chalk.dim(gutter)}${maskSourceLine(line, []).replace(/\t/g, "→")}`,
    ...caret,
  ];
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n", 1)[0] ?? text;
}
