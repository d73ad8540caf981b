import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Scalar,
} from "yaml";
import {
  constructBool,
  constructFloat,
  constructInt,
  constructScalar,
  REFUSED,
  resolvePlainTag,
} from "./pyyaml-scalars.js";
import { tryLoadPlainBlocks } from "./plain-blocks.js";

/** Where a value was written, as the offsets at which things start. */
export interface Place {
  /** The key of the pair that holds the value, when it is in a mapping. */
  key?: number;
  value: number;
}

export interface LoadProblem {
  severity: "error" | "warning";
  code: string;
  message: string;
  offset: number;
  hint?: string;
  /** Dotted YAML path, when the problem is about a value. */
  path?: readonly (string | number)[];
}

export interface LoadedYaml {
  /** The value PyYAML's `safe_load` returns; undefined when it raises. */
  value: unknown;
  problems: LoadProblem[];
  lineCounter: LineCounter;
  /**
   * Where the value at a path was written, found on demand (only the few
   * diagnostics need it, and recording every node's place costs more than
   * the parse on large configs).
   */
  placeOf(path: readonly (string | number)[]): Place | undefined;
}

const YAML_TAG = "tag:yaml.org,2002:";

/**
 * Characters PyYAML's reader refuses anywhere in a stream, comments
 * included ("special characters are not allowed").
 */
const NON_PRINTABLE =
  /[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Lexer markers that stand for no text of the source. */
const ZERO_WIDTH_TOKENS = new Set(["\x02", "\x18", "\x1f"]);
const SCALAR_MARKER = "\x1f";

/**
 * Loads YAML as PyYAML's `safe_load` does: one document, PyYAML's scalar
 * resolution, duplicate keys last-wins (each reported as a warning), merge
 * keys, and refusals for what PyYAML refuses while the `yaml` package
 * accepts it (TABs where a token may start, control characters, tags
 * without a safe constructor, collections as keys). The plain YAML most
 * configs are written in takes a fast path; the rest goes through the
 * `yaml` package's document.
 */
export function loadLikePyYaml(text: string): LoadedYaml {
  const problems = findRefusedCharacters(text);
  if (problems.length === 0) {
    const plain = tryLoadPlainBlocks(text);
    if (plain) return { ...plain, problems };
  }
  return loadThroughDocument(text, problems);
}

/**
 * The loader for any YAML, through the `yaml` package's document (exported
 * for the test that holds the fast path to it).
 */
export function loadThroughDocument(
  text: string,
  problems = findRefusedCharacters(text),
): LoadedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    version: "1.1",
    schema: "failsafe",
    uniqueKeys: false,
    merge: false,
    keepSourceTokens: false,
  });
  const refusedLines = new Set(
    problems.map((problem) => lineCounter.linePos(problem.offset).line),
  );
  for (const error of document.errors) {
    const offset = error.pos[0];
    // A TAB refusal is the better message for the same line.
    if (refusedLines.has(lineCounter.linePos(offset).line)) continue;
    problems.push({
      severity: "error",
      code: "yaml-syntax",
      message: firstLine(error.message),
      offset,
    });
  }
  const placeOf = (path: readonly (string | number)[]) =>
    findPlace(document, path);
  if (problems.some((problem) => problem.severity === "error")) {
    return { value: undefined, problems, lineCounter, placeOf };
  }

  const constructor = new Constructor(document, problems, lineCounter);
  const value = constructor.construct(document.contents, []);
  const failed = problems.some((problem) => problem.severity === "error");
  return { value: failed ? undefined : value, problems, lineCounter, placeOf };
}

/**
 * The place of a path: through mappings (the last pair with the key wins,
 * as in PyYAML), sequences and aliases. Undefined when the path is not
 * written as such (a merged key, say).
 */
function findPlace(
  document: Document,
  path: readonly (string | number)[],
): Place | undefined {
  let node: unknown = document.contents;
  let place: Place | undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = node.items.findLast(
        (item) => isPair(item) && keyText(item.key) === String(segment),
      );
      if (!pair) return undefined;
      const key = (pair.key as Node | null)?.range?.[0];
      const value = (pair.value as Node | null)?.range?.[0] ?? key;
      if (value === undefined) return undefined;
      place = key === undefined ? { value } : { key, value };
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment] as Node | undefined;
      if (!item?.range) return undefined;
      place = { value: item.range[0] };
      node = item;
    } else return undefined;
  }
  return place;
}

/** A key as the constructed mapping holds it. */
function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  const text = String(key.value);
  if (key.type !== "PLAIN" || key.tag) return text;
  switch (resolvePlainTag(text)) {
    case "bool":
      return String(constructBool(text));
    case "int":
      return String(constructInt(text));
    case "float":
      return String(constructFloat(text));
    case "null":
      return "null";
    default:
      return text;
  }
}

function findRefusedCharacters(text: string): LoadProblem[] {
  return [...findNonPrintable(text), ...findTabsBetweenTokens(text)];
}

function findNonPrintable(text: string): LoadProblem[] {
  const match = NON_PRINTABLE.exec(text);
  if (!match) return [];
  const code = match[0].codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase().padStart(4, "0");
  return [
    {
      severity: "error",
      code: "yaml-special-character",
      message: `unacceptable character #x${hex}: special characters are not allowed`,
      offset: match.index,
      hint: "delete the invisible character (often pasted from a terminal or a word processor)",
    },
  ];
}

/**
 * PyYAML skips only spaces between tokens, so a TAB after a value, before
 * a comment or on an otherwise blank line cannot start any token, while
 * the `yaml` package takes it as white space. TABs inside quoted scalars,
 * block scalars and comments are content, and fine.
 */
function findTabsBetweenTokens(text: string): LoadProblem[] {
  const problems: LoadProblem[] = [];
  // Lexing again costs as much as a parse: only when there is a TAB.
  if (!text.includes("\t")) return problems;
  let offset = 0;
  let afterScalarMarker = false;
  let blockScalarPending = false;
  for (const token of new Lexer().lex(text)) {
    if (ZERO_WIDTH_TOKENS.has(token)) {
      afterScalarMarker = token === SCALAR_MARKER;
      continue;
    }
    const start = offset;
    offset += token.length;
    if (afterScalarMarker) {
      afterScalarMarker = false;
      if (blockScalarPending) {
        blockScalarPending = false;
        continue;
      }
    } else if (token.startsWith("|") || token.startsWith(">")) {
      blockScalarPending = true;
    }
    const first = token[0];
    if (first === "'" || first === '"' || first === "#") continue;
    const tab = token.indexOf("\t");
    if (tab === -1) continue;
    problems.push({
      severity: "error",
      code: "yaml-tab",
      message: "found character '\\t' that cannot start any token",
      offset: start + tab,
      hint: "replace the TAB with spaces, or delete it (PyYAML, which LiteLLM uses, refuses it)",
    });
  }
  return problems;
}

class Constructor {
  private readonly built = new Map<Node, unknown>();

  constructor(
    private readonly document: Document,
    private readonly problems: LoadProblem[],
    private readonly lineCounter: LineCounter,
  ) {}

  construct(node: unknown, path: (string | number)[]): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.document);
      if (!target) {
        this.problems.push({
          severity: "error",
          code: "yaml-undefined-alias",
          message: `found undefined alias '${node.source}'`,
          offset: node.range?.[0] ?? 0,
          path,
          hint: `define the anchor \`&${node.source}\` before this use`,
        });
        return null;
      }
      return this.built.has(target)
        ? this.built.get(target)
        : this.construct(target, path);
    }
    if (isScalar(node)) return this.constructScalar(node, path);
    if (isMap(node)) return this.constructMap(node, path);
    if (isSeq(node)) {
      const tag = shortTag(node.tag);
      const items: unknown[] = [];
      this.built.set(node, items);
      node.items.forEach((item, index) => {
        const itemPath = [...path, index];
        items.push(this.construct(item, itemPath));
      });
      if (tag === undefined || tag === "seq") return items;
      if (tag === "omap" || tag === "pairs") return items.map(pairOf);
      return this.refuseTag(node as Node, path);
    }
    return null;
  }

  private constructScalar(node: Scalar, path: (string | number)[]): unknown {
    const text = String(node.value);
    // PyYAML resolves a scalar tagged `!` alone as if it were plain, even
    // when quoted (the YAML spec would make it a string).
    const explicit =
      node.tag === undefined || node.tag === "!"
        ? undefined
        : shortTag(node.tag);
    const isPlain = node.type === "PLAIN" || node.tag === "!";
    const tag = explicit ?? (isPlain ? resolvePlainTag(text) : "str");
    const value = constructScalar(tag, text);
    if (value === REFUSED) {
      return this.refuseScalar(node as Node, path, tag, text);
    }
    this.built.set(node as Node, value);
    return value;
  }

  private constructMap(node: Node, path: (string | number)[]): unknown {
    if (!isMap(node)) return null;
    const tag = shortTag(node.tag);
    if (tag !== undefined && tag !== "map" && tag !== "set") {
      return this.refuseTag(node, path);
    }
    const result: Record<string, unknown> = {};
    this.built.set(node, result);
    const seen = new Map<string, number>();
    const merged: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      if (
        isScalar(keyNode) &&
        keyNode.type === "PLAIN" &&
        keyNode.value === "<<" &&
        !keyNode.tag
      ) {
        merged.push(...this.mergeSources(pair.value as Node | null, path));
        continue;
      }
      if (keyNode && (isMap(keyNode) || isSeq(keyNode))) {
        this.problems.push({
          severity: "error",
          code: "yaml-unhashable-key",
          message: "found unhashable key: a list or mapping cannot be a key",
          offset: keyNode.range?.[0] ?? 0,
          path,
        });
        continue;
      }
      const key = keyString(this.construct(keyNode, path));
      const keyOffset = keyNode?.range?.[0] ?? 0;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        const first = this.lineCounter.linePos(earlier).line;
        const last = this.lineCounter.linePos(keyOffset).line;
        this.problems.push({
          severity: "warning",
          code: "duplicate-key",
          message: `key \`${key}\` is written twice (lines ${first} and ${last}); LiteLLM keeps only the last one (line ${last})`,
          offset: keyOffset,
          path: [...path, key],
          hint: `merge the two into one and delete the other (line ${first})`,
        });
        delete result[key];
      }
      seen.set(key, keyOffset);
      const valuePath = [...path, key];
      result[key] = this.construct(pair.value, valuePath);
    }
    // Merged keys come first and the mapping's own keys win over them.
    if (merged.length === 0) {
      return tag === "set" ? new Set(Object.keys(result)) : result;
    }
    const withMerges: Record<string, unknown> = {};
    for (const source of merged) {
      for (const [key, value] of Object.entries(source)) {
        if (!(key in withMerges)) withMerges[key] = value;
      }
    }
    Object.assign(withMerges, result);
    this.built.set(node, withMerges);
    return tag === "set" ? new Set(Object.keys(withMerges)) : withMerges;
  }

  private mergeSources(
    value: Node | null,
    path: (string | number)[],
  ): Record<string, unknown>[] {
    const nodes = isSeq(value) ? (value.items as Node[]) : [value];
    const sources: Record<string, unknown>[] = [];
    for (const item of nodes) {
      const built = this.construct(item, path);
      if (built && typeof built === "object" && !Array.isArray(built)) {
        sources.push(built as Record<string, unknown>);
        continue;
      }
      this.problems.push({
        severity: "error",
        code: "yaml-merge",
        message: "expected a mapping or a list of mappings for merging",
        offset: item?.range?.[0] ?? 0,
        path,
      });
    }
    return sources;
  }

  private refuseScalar(
    node: Node,
    path: (string | number)[],
    tag: string | undefined,
    text: string,
  ): typeof REFUSED {
    const known = tag !== undefined && KNOWN_SCALAR_TAGS.has(tag);
    this.problems.push({
      severity: "error",
      code: known ? "yaml-bad-value" : "yaml-unknown-tag",
      message: known
        ? `\`${text}\` is not a valid !!${tag}`
        : `could not determine a constructor for the tag '${node.tag ?? `${YAML_TAG}${tag}`}'`,
      offset: node.range?.[0] ?? 0,
      path,
      hint: known
        ? "fix the value, or drop the tag"
        : "PyYAML's safe_load, which LiteLLM uses, builds only the standard YAML types; remove the tag",
    });
    return REFUSED;
  }

  private refuseTag(node: Node, path: (string | number)[]): null {
    this.problems.push({
      severity: "error",
      code: "yaml-unknown-tag",
      message: `could not determine a constructor for the tag '${node.tag ?? ""}'`,
      offset: node.range?.[0] ?? 0,
      path,
      hint: "PyYAML's safe_load, which LiteLLM uses, builds only the standard YAML types; remove the tag",
    });
    return null;
  }
}

const KNOWN_SCALAR_TAGS = new Set(["bool", "int", "float", "timestamp"]);

/** `int` for `tag:yaml.org,2002:int`; the tag itself when it is not one. */
function shortTag(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  return tag.startsWith(YAML_TAG) ? tag.slice(YAML_TAG.length) : tag;
}

/** A key as Python's `json.dumps` would write it. */
function keyString(key: unknown): string {
  if (key === null || key === undefined) return "null";
  if (key instanceof Date) return key.toISOString();
  if (typeof key === "string") return key;
  if (typeof key === "number" || typeof key === "boolean") return String(key);
  return JSON.stringify(key);
}

function pairOf(item: unknown): unknown {
  if (item && typeof item === "object" && !Array.isArray(item)) {
    const [entry] = Object.entries(item);
    return entry ?? [];
  }
  return item;
}

/** The message alone: the position is given apart. */
function firstLine(text: string): string {
  const line = text.split("\n", 1)[0] ?? text;
  return line.replace(/ at line \d+, column \d+:?$/, "");
}
