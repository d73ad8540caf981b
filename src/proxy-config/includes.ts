import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { Diagnostic } from "./types.js";
import { loadLikePyYaml } from "./pyyaml-load.js";
import { positionIn, type SourceFile, type YamlPath } from "./source.js";

export type Config = Record<string, unknown>;

/**
 * More includes than this means a file includes itself (LiteLLM then
 * loops for ever, appending the same list).
 */
const MAX_INCLUDES = 100;

/** Where a top-level value of the merged config came from. */
type Origin =
  | { kind: "whole"; source: SourceFile }
  | { kind: "list"; items: { source: SourceFile; index: number }[] };

export interface MergedConfig {
  config: Config;
  sources: SourceFile[];
  /** The file and the path in it where a path of the merged config is. */
  locate(path: YamlPath): { source: SourceFile; path: YamlPath };
}

export function readSource(file: string): SourceFile {
  const text = readFileSync(file, "utf8");
  return { file, text, loaded: loadLikePyYaml(text) };
}

/**
 * Resolves `include:` as LiteLLM's `_process_includes` does: a list of
 * paths joined to the main file's directory; for each top-level key of an
 * included file, a list extends an existing value and anything else
 * replaces it. An included file's own `include:` list is appended to the
 * main one, so its paths are relative to the main file too.
 */
export function mergeIncludes(
  main: SourceFile,
  config: Config,
  diagnostics: Diagnostic[],
): MergedConfig {
  const sources = [main];
  const origins = new Map<string, Origin>(
    Object.keys(config).map((key) => [key, originOf(main, config[key])]),
  );
  const locate = (target: YamlPath) => locateIn(main, origins, target);
  const merged: MergedConfig = { config, sources, locate };
  if (!("include" in config)) return merged;

  const includes = config.include;
  if (!Array.isArray(includes)) {
    diagnostics.push(
      at(main, ["include"], {
        severity: "error",
        code: "include-not-a-list",
        message: "`include` must be a list of file paths",
        hint: "write it as a list: `include: [models.yaml]`",
      }),
    );
    delete config.include;
    return merged;
  }

  const baseDir = path.dirname(path.resolve(main.file));
  for (let index = 0; index < includes.length; index += 1) {
    const entry: unknown = includes[index];
    const entryPath = locate(["include", index]);
    if (index >= MAX_INCLUDES) {
      diagnostics.push(
        at(entryPath.source, entryPath.path, {
          severity: "error",
          code: "include-loop",
          message: `more than ${MAX_INCLUDES} includes: an included file includes itself or an earlier one, and LiteLLM would never finish loading`,
          hint: "remove the `include:` from the included files",
        }),
      );
      break;
    }
    if (typeof entry !== "string") {
      diagnostics.push(
        at(entryPath.source, entryPath.path, {
          severity: "error",
          code: "include-not-a-path",
          message: "an `include` entry must be a file path",
        }),
      );
      continue;
    }
    const file = path.join(baseDir, entry);
    if (!existsSync(file) || !statSync(file).isFile()) {
      diagnostics.push(
        at(entryPath.source, entryPath.path, {
          severity: "error",
          code: "include-missing",
          message: `included file not found: ${file}`,
          hint: "include paths are relative to the main config's directory; fix the path or create the file",
        }),
      );
      continue;
    }
    const source = readSource(file);
    sources.push(source);
    const loadErrors = toDiagnostics(source);
    diagnostics.push(...loadErrors);
    if (loadErrors.some((d) => d.severity === "error")) continue;
    const value = source.loaded.value ?? {};
    if (!isMapping(value)) {
      diagnostics.push(
        at(source, [], {
          severity: "error",
          code: "include-not-a-mapping",
          message: "an included file must hold a mapping of top-level keys",
        }),
      );
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const existing = config[key];
      if (Array.isArray(item) && key in config) {
        if (!Array.isArray(existing)) {
          diagnostics.push(
            at(source, [key], {
              severity: "error",
              code: "include-cannot-extend",
              message: `\`${key}\` is a list here but not in the main config, so LiteLLM cannot extend it`,
            }),
          );
          continue;
        }
        const origin = origins.get(key);
        existing.push(...(item as unknown[]));
        if (origin?.kind === "list") {
          origin.items.push(...item.map((_, i) => ({ source, index: i })));
        }
        continue;
      }
      config[key] = item;
      origins.set(key, originOf(source, item));
    }
  }
  delete config.include;
  return merged;
}

function originOf(source: SourceFile, value: unknown): Origin {
  if (!Array.isArray(value)) return { kind: "whole", source };
  return {
    kind: "list",
    items: value.map((_, index) => ({ source, index })),
  };
}

function locateIn(
  main: SourceFile,
  origins: Map<string, Origin>,
  target: YamlPath,
): { source: SourceFile; path: YamlPath } {
  const [top, index, ...rest] = target;
  const origin = top === undefined ? undefined : origins.get(String(top));
  if (!origin) return { source: main, path: target };
  if (origin.kind === "whole") return { source: origin.source, path: target };
  if (typeof index !== "number") {
    return { source: origin.items[0]?.source ?? main, path: target };
  }
  const item = origin.items[index];
  if (!item) return { source: main, path: target };
  return { source: item.source, path: [top!, item.index, ...rest] };
}

/** A scalar as text; a collection as JSON (never `[object Object]`). */
export function textOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

/** A YAML mapping as the loader builds it: a plain object. */
export function isMapping(value: unknown): value is Config {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/** The load problems of a file as diagnostics. */
export function toDiagnostics(source: SourceFile): Diagnostic[] {
  return source.loaded.problems.map((problem) => {
    const { line, col } = source.loaded.lineCounter.linePos(problem.offset);
    return {
      severity: problem.severity,
      code: problem.code,
      message: problem.message,
      file: source.file,
      line,
      column: col,
      ...(problem.path ? { yamlPath: problem.path.join(".") } : {}),
      ...(problem.hint ? { hint: problem.hint } : {}),
    };
  });
}

/** A diagnostic placed at a path of a file. */
export function at(
  source: SourceFile,
  target: YamlPath,
  fields: Pick<Diagnostic, "severity" | "code" | "message"> & {
    hint?: string | undefined;
  },
  prefer: "key" | "value" = "key",
): Diagnostic {
  const position = positionIn(source, target, prefer);
  return {
    severity: fields.severity,
    code: fields.code,
    message: fields.message,
    file: source.file,
    ...(position ? { line: position.line, column: position.column } : {}),
    ...(target.length ? { yamlPath: target.join(".") } : {}),
    ...(fields.hint ? { hint: fields.hint } : {}),
  };
}
