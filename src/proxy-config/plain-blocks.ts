import { LineCounter } from "yaml";
import type { Place } from "./pyyaml-load.js";
import { constructScalar, REFUSED, resolvePlainTag } from "./pyyaml-scalars.js";

/**
 * The loader's fast path, for the YAML proxy configs are written in: block
 * mappings and sequences, plain keys, and values on one line (plain,
 * quoted without escapes, a flow list of such scalars, or `{}`). One
 * pass over the lines reads these several times faster than the `yaml`
 * package's parser and document, which dominate a large config's check.
 *
 * Anything else (anchors, aliases, tags, block scalars, scalars over
 * several lines, quoted keys, keys PyYAML reads as other than text,
 * duplicate keys, document markers, and whatever may be an error) makes it
 * give up, and the full loader reads the file. So it never has to decide
 * a hard case: where it answers, it answers as the full loader does.
 */
export interface PlainBlocks {
  value: unknown;
  lineCounter: LineCounter;
  placeOf(path: readonly (string | number)[]): Place | undefined;
}

/** The value and places of the text, or undefined when it is not plain. */
export function tryLoadPlainBlocks(text: string): PlainBlocks | undefined {
  if (UNUSUAL_CHARACTERS.test(text)) return undefined;
  const reader = new PlainBlockReader(text);
  let value: unknown;
  try {
    value = reader.readDocument();
  } catch (error) {
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
  return {
    value,
    lineCounter: reader.lineCounter,
    placeOf: (path) => findPlace(reader.places, value, path),
  };
}

/**
 * TABs, line breaks other than `\n` (PyYAML also breaks lines at NEL and
 * the Unicode separators) and a byte order mark.
 */
const UNUSUAL_CHARACTERS = /[\t\r\x85\u2028\u2029\uFEFF]/;

/** A key PyYAML may read as text: ASCII words, dots, slashes, dashes. */
const PLAIN_KEY = /[A-Za-z0-9_][\w./-]*(?=:(?: |\n|$))/y;

/** An item of a flow list that needs no quoting in any YAML reader. */
const FLOW_WORD = /[A-Za-z0-9_./][\w./ +-]*/y;

/** Characters a plain scalar cannot start with, or that begin a node. */
const NOT_PLAIN_START = "&*!|>%@`,[]{}#'\"";

const SPACE = 0x20;
const NEWLINE = 0x0a;
const HASH = 0x23;

class NotPlain extends Error {}

/**
 * Where a collection's entries were written: a sequence's item offsets,
 * or a mapping's key, key offset and value offset, one after the other.
 */
type Places = Map<object, (string | number)[]>;

class PlainBlockReader {
  readonly lineCounter = new LineCounter();
  readonly places: Places = new Map();
  private readonly textKeys = new Set<string>();
  private readonly lineStarts: number[];
  private line = -1;
  /** Where the next node starts: an offset, and its column (-1 at the end). */
  private pos = 0;
  private column = -1;

  constructor(private readonly text: string) {
    this.lineCounter.addNewLine(0);
    for (
      let at = text.indexOf("\n");
      at !== -1;
      at = text.indexOf("\n", at + 1)
    ) {
      this.lineCounter.addNewLine(at + 1);
    }
    this.lineStarts = this.lineCounter.lineStarts;
  }

  readDocument(): unknown {
    this.nextLine();
    // An empty document or a lone scalar is quick to read either way.
    if (this.column === -1) this.giveUp();
    if (!this.isEntryDash(this.pos) && !this.isKey(this.pos)) this.giveUp();
    const value = this.readNode();
    if (this.column !== -1) this.giveUp();
    return value;
  }

  /** The node at the current position: a block, or a value on one line. */
  private readNode(): unknown {
    if (this.isEntryDash(this.pos)) return this.readSequence(this.column);
    if (this.isKey(this.pos)) return this.readMapping(this.column);
    return this.readInlineValue();
  }

  private readSequence(column: number): unknown[] {
    const items: unknown[] = [];
    const offsets: number[] = [];
    this.places.set(items, offsets);
    do {
      const inline = this.skipSpaces(this.pos + 1);
      if (this.isLineEnd(inline)) {
        items.push(this.readBelow(column, inline, offsets, false));
      } else {
        this.moveTo(inline);
        offsets.push(inline);
        items.push(this.readNode());
      }
    } while (this.continuesBlock(column) && this.isEntryDash(this.pos));
    return items;
  }

  private readMapping(column: number): Record<string, unknown> {
    const mapping: Record<string, unknown> = {};
    const entries: (string | number)[] = [];
    this.places.set(mapping, entries);
    do {
      if (!this.isKey(this.pos)) this.giveUp();
      const colon = PLAIN_KEY.lastIndex;
      const key = this.text.slice(this.pos, colon);
      // A key PyYAML makes a number, a date or null, and a duplicate
      // (which deserves a warning), are the full loader's to read.
      if (!this.isTextKey(key) || Object.hasOwn(mapping, key)) this.giveUp();
      entries.push(key, this.pos);
      const inline = this.skipSpaces(colon + 1);
      if (this.isLineEnd(inline)) {
        mapping[key] = this.readBelow(column, inline, entries, true);
      } else {
        this.moveTo(inline);
        entries.push(inline);
        mapping[key] = this.readInlineValue();
      }
    } while (this.continuesBlock(column));
    return mapping;
  }

  /**
   * The value of a key or an entry with nothing after it on its line: the
   * block indented under it, a sequence at a key's own column, or null
   * (placed where the `yaml` package places an empty value).
   */
  private readBelow(
    column: number,
    emptyAt: number,
    offsets: (string | number)[],
    sequenceMayAlign: boolean,
  ): unknown {
    this.nextLine();
    const aligned =
      sequenceMayAlign && this.column === column && this.isEntryDash(this.pos);
    if (this.column > column || aligned) {
      offsets.push(this.pos);
      return aligned ? this.readSequence(column) : this.readNode();
    }
    offsets.push(emptyAt);
    return null;
  }

  /** A value that ends on its line, followed by nothing but a comment. */
  private readInlineValue(): unknown {
    const start = this.pos;
    const lineEnd = this.lineEnd(start);
    let value: unknown;
    let end: number;
    switch (this.text[start]) {
      case "'":
        [value, end] = this.readSingleQuoted(start, lineEnd);
        break;
      case '"':
        [value, end] = this.readDoubleQuoted(start, lineEnd);
        break;
      case "[":
        [value, end] = this.readFlowList(start, lineEnd);
        break;
      case "{":
        [value, end] = this.readEmptyFlowMapping(start);
        break;
      default:
        [value, end] = this.readPlain(start, lineEnd);
    }
    const after = this.skipSpaces(end);
    const comment = this.text.charCodeAt(after) === HASH && after > end;
    if (after !== lineEnd && !comment) this.giveUp();
    this.nextLine();
    return value;
  }

  private readPlain(start: number, lineEnd: number): [unknown, number] {
    const first = this.text[start] ?? "";
    const indicator = "-?:".includes(first) && this.isBlank(start + 1);
    if (NOT_PLAIN_START.includes(first) || indicator) this.giveUp();
    const line = this.text.slice(start, lineEnd);
    const comment = line.indexOf(" #");
    const scalar = (comment === -1 ? line : line.slice(0, comment)).trimEnd();
    // `a: b: c` and a trailing colon are errors, or keys.
    if (scalar.includes(": ") || scalar.endsWith(":")) this.giveUp();
    return [this.constructPlain(scalar), start + scalar.length];
  }

  private readSingleQuoted(start: number, lineEnd: number): [string, number] {
    let close = this.text.indexOf("'", start + 1);
    // `''` is a quote inside the scalar.
    while (close !== -1 && this.text[close + 1] === "'") {
      close = this.text.indexOf("'", close + 2);
    }
    if (close === -1 || close > lineEnd) this.giveUp();
    const content = this.text.slice(start + 1, close);
    return [content.replaceAll("''", "'"), close + 1];
  }

  private readDoubleQuoted(start: number, lineEnd: number): [string, number] {
    const close = this.text.indexOf('"', start + 1);
    if (close === -1 || close > lineEnd) this.giveUp();
    const content = this.text.slice(start + 1, close);
    if (content.includes("\\")) this.giveUp();
    return [content, close + 1];
  }

  /** `[a, "b"]` of plain words and quoted text, or `[]`. */
  private readFlowList(start: number, lineEnd: number): [unknown[], number] {
    const items: unknown[] = [];
    const offsets: number[] = [];
    this.places.set(items, offsets);
    let at = this.skipSpaces(start + 1);
    if (this.text[at] === "]") return [items, at + 1];
    for (;;) {
      const [item, end] = this.readFlowItem(at, lineEnd);
      offsets.push(at);
      items.push(item);
      at = this.skipSpaces(end);
      if (this.text[at] === "]") return [items, at + 1];
      if (this.text[at] !== ",") this.giveUp();
      at = this.skipSpaces(at + 1);
    }
  }

  private readFlowItem(start: number, lineEnd: number): [unknown, number] {
    const first = this.text[start];
    if (first === "'") return this.readSingleQuoted(start, lineEnd);
    if (first === '"') return this.readDoubleQuoted(start, lineEnd);
    FLOW_WORD.lastIndex = start;
    if (!FLOW_WORD.test(this.text)) this.giveUp();
    const word = this.text.slice(start, FLOW_WORD.lastIndex).trimEnd();
    return [this.constructPlain(word), start + word.length];
  }

  /** `{}`: a flow mapping with entries is the full loader's to read. */
  private readEmptyFlowMapping(start: number): [object, number] {
    if (this.text[start + 1] !== "}") this.giveUp();
    const mapping = {};
    this.places.set(mapping, []);
    return [mapping, start + 2];
  }

  private constructPlain(text: string): unknown {
    const value = constructScalar(resolvePlainTag(text), text);
    if (value === REFUSED) this.giveUp();
    return value;
  }

  /**
   * After a node: true when the next line goes on with the block at
   * `column`, false when it ends it. A line indented further would
   * continue a scalar or be an error: the full loader's business.
   */
  private continuesBlock(column: number): boolean {
    if (this.column < column) return false;
    if (this.column > column) this.giveUp();
    return true;
  }

  /** Moves to the next line with content, past blank and comment lines. */
  private nextLine(): void {
    const { text, lineStarts } = this;
    while (++this.line < lineStarts.length) {
      const start = lineStarts[this.line] ?? 0;
      const at = this.skipSpaces(start);
      if (at >= text.length) break;
      const code = text.charCodeAt(at);
      if (code === NEWLINE || code === HASH) continue;
      this.pos = at;
      this.column = at - start;
      return;
    }
    this.column = -1;
  }

  private moveTo(offset: number): void {
    this.column += offset - this.pos;
    this.pos = offset;
  }

  private isKey(offset: number): boolean {
    PLAIN_KEY.lastIndex = offset;
    return PLAIN_KEY.test(this.text);
  }

  /** A key PyYAML keeps as text (a config repeats the same few keys). */
  private isTextKey(key: string): boolean {
    if (this.textKeys.has(key)) return true;
    if (resolvePlainTag(key) !== "str" || key === "__proto__") return false;
    this.textKeys.add(key);
    return true;
  }

  /** `- ` (or `-` ending its line) starting a sequence entry. */
  private isEntryDash(offset: number): boolean {
    return this.text[offset] === "-" && this.isBlank(offset + 1);
  }

  private isBlank(offset: number): boolean {
    const code = this.text.charCodeAt(offset);
    return code === SPACE || code === NEWLINE || offset >= this.text.length;
  }

  /** Nothing but spaces and a comment from here to the line's end. */
  private isLineEnd(offset: number): boolean {
    const code = this.text.charCodeAt(offset);
    return code === NEWLINE || code === HASH || offset >= this.text.length;
  }

  private lineEnd(offset: number): number {
    const end = this.text.indexOf("\n", offset);
    return end === -1 ? this.text.length : end;
  }

  private skipSpaces(offset: number): number {
    let at = offset;
    while (this.text.charCodeAt(at) === SPACE) at += 1;
    return at;
  }

  private giveUp(): never {
    throw new NotPlain();
  }
}

/** The place of a path, as the full loader finds it in its document. */
function findPlace(
  places: Places,
  root: unknown,
  path: readonly (string | number)[],
): Place | undefined {
  let node = root;
  let place: Place | undefined;
  for (const segment of path) {
    const offsets =
      typeof node === "object" && node !== null ? places.get(node) : undefined;
    if (!offsets) return undefined;
    if (Array.isArray(node)) {
      const value = typeof segment === "number" ? offsets[segment] : undefined;
      if (typeof value !== "number") return undefined;
      place = { value };
      node = node[segment as number];
      continue;
    }
    const key = String(segment);
    const index = offsets.indexOf(key);
    if (index === -1) return undefined;
    place = {
      key: offsets[index + 1] as number,
      value: offsets[index + 2] as number,
    };
    node = (node as Record<string, unknown>)[key];
  }
  return place;
}
