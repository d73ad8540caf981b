import type { LoadedYaml } from "./pyyaml-load.js";

export type YamlPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/** One YAML file of a config: its text, what PyYAML makes of it, places. */
export interface SourceFile {
  file: string;
  text: string;
  loaded: LoadedYaml;
}

/**
 * The position of a value (or of its key) in a file. A path that does not
 * exist is placed at its nearest existing ancestor, so that a missing key
 * is reported where it should be added.
 */
export function positionIn(
  source: SourceFile,
  path: YamlPath,
  prefer: "key" | "value" = "key",
): Position {
  for (let depth = path.length; depth > 0; depth -= 1) {
    const place = source.loaded.placeOf(path.slice(0, depth));
    if (!place) continue;
    const offset =
      prefer === "key" || depth < path.length
        ? (place.key ?? place.value)
        : place.value;
    return positionOfOffset(source, offset);
  }
  // Nothing of the path exists: the section is to be added, at the top.
  return { line: 1, column: 1 };
}

export function positionOfOffset(source: SourceFile, offset: number): Position {
  const { line, col } = source.loaded.lineCounter.linePos(offset);
  return { line, column: col };
}

/** The text of a 1-based line, without its line break. */
export function lineText(source: SourceFile, line: number): string | undefined {
  const starts = source.loaded.lineCounter.lineStarts;
  const start = starts[line - 1];
  if (start === undefined) return undefined;
  const end = starts[line] ?? source.text.length;
  return source.text.slice(start, end).replace(/\r?\n$/, "");
}

/** `model_list.0.litellm_params.api_key` */
export function dottedPath(path: YamlPath): string {
  return path.join(".");
}
