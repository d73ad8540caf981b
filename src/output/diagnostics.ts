import chalk from "chalk";
import path from "node:path";
import type { CheckReport, Diagnostic } from "../proxy-config/types.js";
import { sourceExcerpt } from "./render-error.js";

const SEVERITY_COLOR = {
  error: chalk.red,
  warning: chalk.yellow,
  info: chalk.blue,
} as const;

/** The human report: grouped by file, each with its line, caret and hint. */
export function renderReport(
  report: CheckReport,
  options: { cwd?: string } = {},
): string {
  const cwd = options.cwd ?? process.cwd();
  const lines: string[] = [];
  for (const file of report.files) {
    const inFile = report.diagnostics.filter((d) => d.file === file);
    if (inFile.length === 0) continue;
    lines.push(chalk.bold.underline(path.relative(cwd, file) || file));
    for (const diagnostic of inFile) {
      lines.push(...renderDiagnostic(diagnostic, cwd), "");
    }
  }
  lines.push(summaryLine(report));
  return lines.join("\n") + "\n";
}

function renderDiagnostic(diagnostic: Diagnostic, cwd: string): string[] {
  const where = [
    path.relative(cwd, diagnostic.file) || diagnostic.file,
    diagnostic.line,
    diagnostic.line ? diagnostic.column : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(":");
  const color = SEVERITY_COLOR[diagnostic.severity];
  const head = `${where} ${color(diagnostic.severity)} ${chalk.dim(diagnostic.code)} ${diagnostic.message}`;
  const excerpt = sourceExcerpt(diagnostic).map((line) => `  ${line}`);
  const hint = diagnostic.hint
    ? [`  ${chalk.cyan("fix")} ${diagnostic.hint}`]
    : [];
  return [head, ...excerpt, ...hint];
}

export function summaryLine(report: CheckReport): string {
  const plural = (count: number, word: string) =>
    `${count} ${word}${count === 1 ? "" : "s"}`;
  const verdict =
    report.errorCount > 0 ? chalk.red("invalid") : chalk.green("valid");
  return `${verdict}: ${plural(report.errorCount, "error")}, ${plural(report.warningCount, "warning")} in ${plural(report.files.length, "file")}`;
}
