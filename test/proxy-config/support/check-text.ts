import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkProxyConfig } from "../../../src/proxy-config/index.js";
import type { CheckReport } from "../../../src/proxy-config/index.js";

export interface CheckTextOptions {
  env?: Record<string, string | undefined>;
  litellmVersion?: string;
  /** Other files beside the config, by name. */
  files?: Record<string, string>;
}

/** Checks a config given as text, in a temp directory removed afterwards. */
export function checkText(
  text: string,
  options: CheckTextOptions = {},
): CheckReport {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tdm-check-"));
  try {
    const file = path.join(dir, "config.yaml");
    writeFileSync(file, text);
    for (const [name, content] of Object.entries(options.files ?? {})) {
      writeFileSync(path.join(dir, name), content);
    }
    return checkProxyConfig({
      file,
      env: options.env ?? {},
      litellmVersion: options.litellmVersion ?? "1.80.10",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `line:col severity code`, in report order, from the named file. */
export function brief(report: CheckReport, code?: string): string[] {
  return report.diagnostics
    .filter((d) => code === undefined || d.code === code)
    .map((d) => `${d.line ?? 0}:${d.column ?? 0} ${d.severity} ${d.code}`);
}
