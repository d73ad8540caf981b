import {
  isCollection,
  isPair,
  isScalar,
  type Document,
  type LineCounter,
  type Node,
} from "yaml";

export interface Position {
  line: number;
  column: number;
}

/**
 * The node at a path, or the deepest existing ancestor when the path goes
 * further than the document (a missing key is reported at its parent).
 */
export function findNode(
  document: Document,
  path: readonly PropertyKey[],
): { node: Node | undefined; key: Node | undefined; exact: boolean } {
  let node: unknown = document.contents;
  let key: Node | undefined;
  for (const [index, segment] of path.entries()) {
    if (!isCollection(node)) return { node: node as Node, key, exact: false };
    const pair = node.items.find(
      (item) =>
        isPair(item) &&
        isScalar(item.key) &&
        String(item.key.value) === String(segment),
    );
    if (isPair(pair)) {
      key = pair.key as Node;
      node = pair.value ?? pair.key;
      continue;
    }
    const item = typeof segment === "number" ? node.items[segment] : null;
    if (item && !isPair(item)) {
      key = undefined;
      node = item;
      continue;
    }
    void index;
    return { node: node, key, exact: false };
  }
  return { node: node as Node | undefined, key, exact: true };
}

/**
 * The 1-based line and column of the node at a path: of its key by
 * default, of its value with `at: "value"`.
 */
export function positionOf(
  document: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  options: { at?: "key" | "value" } = {},
): Position | undefined {
  const { node, key, exact } = findNode(document, path);
  const target = exact && key && options.at !== "value" ? key : node;
  const offset = target?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
