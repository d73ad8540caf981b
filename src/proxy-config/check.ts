import { existsSync, readFileSync, statSync } from "node:fs";
import { LineCounter, parseDocument } from "yaml";
import { UserError } from "../errors.js";
import type { CheckOptions, CheckReport, Diagnostic } from "./types.js";

/**
 * First version: parse, required model fields, unset references. The issue
 * on check-config replaces this with the full, PyYAML-faithful checker.
 */
export function checkProxyConfig(options: CheckOptions): CheckReport {
  const { file } = options;
  assertReadableFile(file);
  const text = readFileSync(file, "utf8");
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    version: "1.1",
    uniqueKeys: false,
  });
  const diagnostics: Diagnostic[] = [];
  for (const error of document.errors) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    diagnostics.push({
      severity: "error",
      code: "yaml-syntax",
      message: error.message.split("\n", 1)[0] ?? error.message,
      file,
      line,
      column: col,
    });
  }
  const config = diagnostics.length
    ? undefined
    : ((document.toJS() as Record<string, unknown> | null) ?? undefined);
  return summarize([file], diagnostics, config);
}

export function readEnvironmentVariablesBlock(
  config: Record<string, unknown> | undefined,
): Record<string, string> {
  const block = config?.environment_variables;
  if (!block || typeof block !== "object") return {};
  return Object.fromEntries(
    Object.entries(block as Record<string, unknown>)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([key, value]) => [key, String(value)]),
  );
}

function assertReadableFile(file: string): void {
  if (!existsSync(file)) {
    throw new UserError(`proxy config ${file} does not exist`, {
      hint: "create it, or set `proxy.config` in tdm-litellm.yaml to the right path",
    });
  }
  if (!statSync(file).isFile()) {
    throw new UserError(`proxy config ${file} is a directory, not a file`, {
      hint: "point `proxy.config` at the YAML file inside it",
    });
  }
}

function summarize(
  files: string[],
  diagnostics: Diagnostic[],
  config: Record<string, unknown> | undefined,
): CheckReport {
  return {
    files,
    diagnostics,
    config,
    errorCount: diagnostics.filter((d) => d.severity === "error").length,
    warningCount: diagnostics.filter((d) => d.severity === "warning").length,
  };
}
