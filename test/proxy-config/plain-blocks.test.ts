import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tryLoadPlainBlocks } from "../../src/proxy-config/plain-blocks.js";
import { loadThroughDocument } from "../../src/proxy-config/pyyaml-load.js";
import { FIXTURES_DIR } from "./support/fixtures.js";

type YamlPath = (string | number)[];

/** Inputs the fast path must read itself. */
const PLAIN: Record<string, string> = {
  "nested mappings": "a:\n  b:\n    c: 1\n  d: x\ne: y\n",
  "sequence of mappings":
    "model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n  - model_name: n\n",
  "aligned sequence": "a:\n- 1\n- two\nb: 3\n",
  "aligned sequence in an entry": "- a:\n  - x\n  b: 1\n",
  "nested sequences": "- - a\n  - b\n- - c\n",
  "empty values": "a:\nb:   # note\nc:\n  - \n  -\n  -  # note\n  - x\nd:\n",
  "value on the next line": "a:\n  text\nb: 2\n",
  "scalars resolved as PyYAML does":
    "a: yes\nb: y\nc: 0777\nd: 1e3\ne: 1.0e+3\nf: ~\ng: 2024-10-21\nh: 12:30:00\ni: .inf\nj: 20_000\n",
  "quoted values": "a: 'it''s'\nb: \"x: #y\"\nc: ''\nd: '1'  # text\n",
  "flow lists": "a: [x, 1, y z ,yes]\nb: []\nc: [ ]\nd: {}\n",
  "quoted items in a flow list": "a: [\"x\", 'it''s' , \"\", y]\n",
  "comments everywhere":
    "# head\na: 1 # one\n\n  # indented comment\nb:\n  # before\n  c: d#e\n",
  "colons and hashes inside plain text":
    "url: http://x:80/y#z\nkey: a:b\nsign: -x\nq: ?x\nc: :x\n",
  "indented root": "  a: 1\n  b: 2\n",
  "top-level list": "- a\n- b\n",
  "no final newline": "a: 1\nb: 2",
  "trailing blank lines and spaces": "a: 1\n\n   \n",
  "non-ASCII text": "a: 🙂 ok\nb: 模型\n",
  "dashes as text": "a: ---\nb: -\u00a0x\nc: '-'\n",
  "keys that are words":
    "constructor: 1\ntoString: 2\ny: 3\nhasOwnProperty: 4\n",
};

/** Inputs the fast path must leave to the full loader. */
const NOT_PLAIN: Record<string, string> = {
  empty: "",
  "only a comment": "# nothing\n",
  "top-level scalar": "just text\n",
  "document start": "---\na: 1\n",
  "document end": "a: 1\n...\n",
  "multi-line plain": "a: plain\n  continued\n",
  "multi-line quoted": 'a: "multi\n  line"\n',
  "compact nested mapping": "a: b: c\n",
  "trailing colon": "a: b:\n",
  "bad indentation": "foo: bar\n  baz: 1\n",
  "block scalar": "a: |\n  x\n",
  anchor: "a: &x 1\nb: *x\n",
  tag: "a: !!str 1\n",
  merge: "a: {x: 1}\nb:\n  <<: {y: 2}\n",
  "quoted key": '"a": 1\n',
  "int key": "1: a\n",
  "null key": "null: a\n",
  "duplicate key": "a: 1\na: 2\n",
  "proto key": "__proto__: 1\n",
  "escape in double quotes": 'a: "x\\ty"\n',
  "flow mapping with entries": "a: {x: 1}\n",
  "trailing comma": "a: [x, ]\n",
  "nested flow list": "a: [[x]]\n",
  "flow pair": 'a: ["x": 1]\n',
  "flow list over lines": "a: [x,\n  y]\n",
  "comment without a space": "a: 'x'#c\n",
  "value tag": "a: =\n",
  "merge as a value": "a: <<\n",
  crlf: "a: 1\r\nb: 2\r\n",
  bom: "\uFEFFa: 1\n",
  tab: "a: 'x\ty'\n",
  "entry after a mapping": "a: 1\n- b\n",
  "sequence under a sequence's item": "- a\n  - b\n",
  "entry as a value": "a: - b\n",
};

describe("the fast path reads plain YAML as the full loader does", () => {
  it.each(Object.entries(PLAIN))("%s", (_name, text) => {
    expect(tryLoadPlainBlocks(text), "taken").toBeDefined();
    expectSameAsFullLoader(text);
  });

  it.each(Object.entries(NOT_PLAIN))("gives up on: %s", (_name, text) => {
    expect(tryLoadPlainBlocks(text)).toBeUndefined();
  });

  it("reads a generated config of deployments", () => {
    const text = generatedConfig(50);
    expect(tryLoadPlainBlocks(text), "taken").toBeDefined();
    expectSameAsFullLoader(text);
  });

  it.each(fixtureNames())("fixture %s", (name) => {
    expectSameAsFullLoader(readFileSync(path.join(FIXTURES_DIR, name), "utf8"));
  });
});

/** Where the fast path answers, its value, lines and places are the full loader's. */
function expectSameAsFullLoader(text: string): void {
  const fast = tryLoadPlainBlocks(text);
  if (!fast) return;
  const full = loadThroughDocument(text);
  expect(full.problems).toEqual([]);
  expect(fast.value).toEqual(full.value);
  expect(fast.lineCounter.lineStarts).toEqual(full.lineCounter.lineStarts);
  for (const where of pathsIn(full.value, [])) {
    expect(fast.placeOf(where), where.join(".")).toEqual(full.placeOf(where));
  }
}

/** Every path of a value, and beside each collection's a few that miss. */
function pathsIn(value: unknown, at: YamlPath): YamlPath[] {
  if (typeof value !== "object" || value === null || value instanceof Date) {
    return [at];
  }
  const children = Array.isArray(value)
    ? value.map((item, index) => pathsIn(item, [...at, index]))
    : Object.entries(value).map(([key, item]) => pathsIn(item, [...at, key]));
  const missing = [
    [...at, "missing"],
    [...at, 99],
    [...at, "0"],
  ];
  return [at, ...children.flat(), ...missing];
}

function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR).filter((name) => name.endsWith(".yaml"));
}

/** Deployments as in the benchmark's generated configs. */
function generatedConfig(count: number): string {
  const lines = ["model_list:"];
  for (let index = 0; index < count; index += 1) {
    lines.push(
      `  - model_name: group-${index % 10}`,
      "    litellm_params:",
      `      model: openai/local-model-${index}`,
      "      api_base: os.environ/LM_STUDIO_API_BASE",
      `      rpm: ${60 + (index % 7)}`,
      "    model_info:",
      `      id: deployment-${index}`,
    );
  }
  lines.push("router_settings:", "  fallbacks:", "    - group-0: [group-1]");
  return `${lines.join("\n")}\n`;
}
