import { readFileSync } from "node:fs";
import {
  isMap,
  isPair,
  isScalar,
  parseDocument,
  stringify,
  type Pair,
  type Scalar,
} from "yaml";
import { writeFileAtomic } from "../fs-atomic.js";

/**
 * Sets scalar values under one top-level section of a YAML file by editing
 * the text in place: comments, order, quoting and layout outside the
 * changed values stay byte for byte.
 */
export function updateSectionValues(
  text: string,
  section: string,
  values: Record<string, string>,
): string {
  let result = text;
  for (const [key, value] of Object.entries(values)) {
    result = setOneValue(result, section, key, value);
  }
  return result;
}

export function updateSectionValuesInFile(
  file: string,
  section: string,
  values: Record<string, string>,
): void {
  const before = readFileSync(file, "utf8");
  const after = updateSectionValues(before, section, values);
  if (after !== before) writeFileAtomic(file, after);
}

function setOneValue(
  text: string,
  section: string,
  key: string,
  value: string,
): string {
  const document = parseDocument(text);
  const root = document.contents;
  if (!isMap(root)) throw new Error("the file's top level is not a mapping");
  const sectionPair = findPair(root.items, section);
  const rendered = renderScalar(value);
  const newline = text.includes("\r\n") ? "\r\n" : "\n";

  if (!sectionPair || !isMap(sectionPair.value)) {
    const separator = text.length === 0 || text.endsWith("\n") ? "" : newline;
    return `${text}${separator}${section}:${newline}  ${key}: ${rendered}${newline}`;
  }

  const map = sectionPair.value;
  const existing = findPair(map.items, key);
  if (existing && isScalar(existing.value) && existing.value.range) {
    const [start, end] = existing.value.range;
    if (start !== end) {
      const styled = renderScalarLike(value, existing.value.type);
      return text.slice(0, start) + styled + text.slice(end);
    }
  }
  if (existing && isScalar(existing.key) && isEmptyValue(existing.value)) {
    // `key:` with no value (maybe a comment after it): write after the colon.
    const keyEnd = existing.key.range?.[1];
    const colon = keyEnd === undefined ? -1 : text.indexOf(":", keyEnd);
    if (colon !== -1) {
      return `${text.slice(0, colon + 1)} ${rendered}${text.slice(colon + 1)}`;
    }
  }

  if (map.flow) {
    throw new Error(`${section} is a flow mapping; write it as a block`);
  }
  const last = map.items.at(-1);
  const keyStart = isScalar(last?.key) ? last.key.range?.[0] : undefined;
  const valueEnd = map.range?.[1];
  if (keyStart === undefined || valueEnd === undefined) {
    throw new Error(`cannot find where to add ${section}.${key}`);
  }
  const lineStart = text.lastIndexOf("\n", keyStart - 1) + 1;
  const indent = text.slice(lineStart, keyStart);
  // Insert after the end of the line on which the section's content ends.
  const contentEnd = endOfContent(text, map.range?.[1] ?? valueEnd);
  return (
    text.slice(0, contentEnd) +
    `${indent}${key}: ${rendered}${newline}` +
    text.slice(contentEnd)
  );
}

function endOfContent(text: string, offset: number): number {
  // `range[1]` may include trailing blank lines and comments; back up to the
  // end of the last line that holds content.
  let end = offset;
  while (end > 0 && /\s/.test(text[end - 1] ?? "")) end -= 1;
  const lineEnd = text.indexOf("\n", end);
  return lineEnd === -1 ? text.length : lineEnd + 1;
}

function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (!isScalar(value)) return false;
  const range = value.range;
  return value.value === null && (!range || range[0] === range[1]);
}

function findPair(items: unknown[], key: string): Pair | undefined {
  return items.find(
    (item): item is Pair =>
      isPair(item) && isScalar(item.key) && String(item.key.value) === key,
  );
}

function renderScalar(value: string): string {
  return stringify(value).trimEnd();
}

/** Keeps the user's quotes: a double-quoted value stays double-quoted. */
function renderScalarLike(
  value: string,
  type: Scalar.Type | undefined,
): string {
  if (type === "QUOTE_DOUBLE" || type === "QUOTE_SINGLE") {
    return stringify(value, { defaultStringType: type }).trimEnd();
  }
  return renderScalar(value);
}
