import chalk from "chalk";
import path from "node:path";
import type { CheckReport, Diagnostic } from "../proxy-config/types.js";

const SEVERITY_COLOR = {
  error: chalk.red,
  warning: chalk.yellow,
  info: chalk.blue,
} as const;

/**
 * The human report: grouped by file, each diagnostic as
 * `file:line:col severity code message`, then its line (secrets already
 * masked by the checker), a caret and the fix; a summary line last.
 */
export function renderReport(
  report: CheckReport,
  options: { cwd?: string; strict?: boolean } = {},
): string {
  const cwd = options.cwd ?? process.cwd();
  const lines: string[] = [];
  for (const file of report.files) {
    const inFile = report.diagnostics.filter((d) => d.file === file);
    if (inFile.length === 0) continue;
    lines.push(chalk.bold.underline(displayPath(file, cwd)), "");
    for (const diagnostic of inFile) {
      lines.push(...renderDiagnostic(diagnostic, cwd), "");
    }
  }
  lines.push(summaryLine(report, options.strict));
  return lines.join("\n") + "\n";
}

function renderDiagnostic(diagnostic: Diagnostic, cwd: string): string[] {
  const where = [
    displayPath(diagnostic.file, cwd),
    diagnostic.line,
    diagnostic.line ? diagnostic.column : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(":");
  const color = SEVERITY_COLOR[diagnostic.severity];
  const head = [
    where,
    color(diagnostic.severity),
    chalk.dim(diagnostic.code),
    diagnostic.message,
  ].join(" ");
  const hint = diagnostic.hint
    ? [`  ${chalk.cyan("fix:")} ${diagnostic.hint}`]
    : [];
  return [head, ...excerptOf(diagnostic), ...hint];
}

/** The line under a diagnostic and a caret under its column. */
function excerptOf(diagnostic: Diagnostic): string[] {
  if (diagnostic.source === undefined || !diagnostic.line) return [];
  const gutter = `  ${diagnostic.line} | `;
  // TABs are the point of some diagnostics: show them, one column wide.
  const text = diagnostic.source.replace(/\t/g, "→");
  const caret =
    diagnostic.column !== undefined
      ? [
          `${" ".repeat(gutter.length + diagnostic.column - 1)}${chalk.red("^")}`,
        ]
      : [];
  return [`${chalk.dim(gutter)}${text}`, ...caret];
}

function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith("..") ? relative : file;
}

export function summaryLine(report: CheckReport, strict = false): string {
  const plural = (count: number, word: string) =>
    `${count} ${word}${count === 1 ? "" : "s"}`;
  const verdict =
    report.errorCount > 0
      ? chalk.red("invalid")
      : strict && report.warningCount > 0
        ? chalk.red("invalid under --strict")
        : chalk.green("valid");
  const counts = [
    plural(report.errorCount, "error"),
    plural(report.warningCount, "warning"),
  ].join(", ");
  return `${verdict}: ${counts} in ${plural(report.files.length, "file")}`;
}

/** The `--json` report: the same diagnostics, without the parsed config. */
export function reportAsJson(report: CheckReport): string {
  const { config: _config, ...rest } = report;
  return JSON.stringify(rest, null, 2) + "\n";
}
