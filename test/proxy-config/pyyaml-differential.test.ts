import { execa } from "execa";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLikePyYaml } from "../../src/proxy-config/pyyaml-load.js";
import { normalizeLikePython } from "./support/normalize.js";
import { pythonWithPyYaml } from "./support/pyyaml.js";
import { FIXTURES_DIR } from "./support/fixtures.js";

const LOADER = fileURLToPath(
  new URL("./support/load_with_pyyaml.py", import.meta.url),
);

/** YAML 1.1 inputs on which PyYAML and the npm parsers tend to disagree. */
const EDGE_CASES: Record<string, string> = {
  "underscore-int": "tpm: 20_000\n",
  "on-off-yes-no": "a: on\nb: off\nc: yes\nd: no\ne: Yes\nf: OFF\n",
  "y-n-are-strings": "a: y\nb: n\nc: Y\n",
  "exponent-without-dot": "a: 1e3\nb: 1E-3\n",
  "exponent-with-dot": "a: 1.0e+3\nb: 1.5e-2\nc: 1.0e3\n",
  floats: "a: 1.5\nb: .5\nc: 1.\nd: 1_000.5\ne: -2.25\n",
  "special-floats": "a: .inf\nb: -.Inf\nc: .NaN\nd: +.INF\n",
  octal: "a: 0777\nb: 0o17\nc: 09\nd: 0_7\n",
  "hex-binary": "a: 0x1F\nb: 0b101\nc: -0x10\nd: 0b\n",
  sexagesimal: "a: 1:30\nb: 1:30.5\nc: -1:30\n",
  "signed-ints": "a: +12\nb: -0\nc: 0\nd: 12345\n",
  dates: "a: 2024-10-21\nb: 2024-1-5\nc: 2023-12-01-preview\n",
  timestamps:
    "a: 2001-12-14t21:59:43.10-05:00\nb: 2001-12-14 21:59:43.10\nc: 2024-01-05T10:00:00Z\nd: 2001-12-14 21:59:43.1234 +5:30\n",
  nulls: "a: ~\nb: Null\nc: NULL\nd:\ne: null\n",
  quoted: "a: '20_000'\nb: \"on\"\nc: 'it''s'\nd: \"tab\\tescape\"\n",
  "explicit-tags":
    "a: !!str 123\nb: !!int '42'\nc: !!float '1'\nd: !!binary aGVsbG8=\ne: !!bool 'yes'\nf: !!null x\n",
  "non-specific-tag": 'a: ! 12\nb: ! "12"\nc: ! yes\n',
  "set-tag": "a: !!set {x, y}\n",
  "duplicate-keys": "a: 1\nb: 2\na: 3\n",
  "duplicate-nested": "s:\n  k: {b: 1, b: 2}\n  k: 4\n",
  "duplicate-after-normalising": "yes: 1\ntrue: 2\n",
  merge: "base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\n",
  "merge-list": "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n",
  aliases: "a: &x 1\nb: *x\nc: &l [1, 2]\nd: *l\n",
  "tab-after-value": "model_name: local-model\t\n",
  "tab-after-colon": "a:\tvalue\n",
  "tab-inside-plain": "a: x\ty\n",
  "tab-before-comment": "a: b\t# comment\n",
  "tab-only-line": "a: 1\n\t\nb: 2\n",
  "tab-in-flow": "a: [1,\t2]\n",
  "tab-in-quotes": "a: 'x\ty'\nb: \"x\ty\"\n",
  "tab-in-block-scalar": "a: |\n  x\ty\nb: >\n  p\tq\n",
  "tab-in-comment": "a: 1 # c\tc\n# \t\n",
  "tab-indentation": "a:\n\tb: 1\n",
  "tab-after-flow": "a: [1, 2]\t\n",
  "multi-document": "a: 1\n---\nb: 2\n",
  empty: "",
  "only-document-marker": "---\n",
  "only-comment": "# nothing\n",
  "top-level-list": "- a\n- b\n",
  "top-level-scalar": "just text\n",
  "unknown-tag": "a: !foo x\n",
  "python-tag": "a: !!python/name:os.system ''\n",
  "collection-key": "? [1, 2]\n: x\n",
  "flow-collection-key": "[1, 2]: x\n",
  "value-tag": "a: =\n",
  "merge-as-value": "a: <<\n",
  "shell-here-doc":
    "cat > config.yaml << EOF\nmodel_list:\n  - model_name: x\nEOF\n",
  "compact-nested-mapping": "a: b: c\n",
  "control-character": "a: b\x07\n",
  "control-character-in-comment": "a: b # \x01\n",
  crlf: "key: value\r\nother: 2\r\n",
  "multi-line-quoted": 'a: "multi\n  line"\n',
  "multi-line-plain": "a: plain\n  continued\n",
  folded: "a: >\n  folded\n  text\n\nb: |-\n  kept\n",
  "undefined-alias": "a: *nothing\n",
  "unclosed-flow": "a: [a, b\n",
  "bad-indentation": "foo: bar\n  baz: 1\n",
  "reserved-indicator": "a: @x\n",
  "indentless-sequence": "a:\n- 1\n- 2\n",
  emoji: "a: 🙂 ok\n",
  "trailing-space-line": "a: 1\n ",
  "flow-adjacent-value": '{"a":1, b: 2}\n',
  "colon-in-plain": "url: http://x:80/y\nt: 12:30:00\n",
  "key-with-space-value": "a: b : c\n",
  "document-end": "a: 1\n...\n",
  "int-keys": "1: a\n2: b\n",
  "null-key": "~: a\n",
  bom: "\uFEFFa: 1\n",
};

interface PyYamlResult {
  file: string;
  ok: boolean;
  value?: unknown;
  error?: string;
  line?: number | null;
}

let python: string;
let edgeDir: string;
const results = new Map<string, PyYamlResult>();

function fixtureFiles(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith(".yaml"))
    .map((name) => path.join(FIXTURES_DIR, name));
}

function edgeFile(name: string): string {
  return path.join(edgeDir, `${name}.yaml`);
}

beforeAll(async () => {
  python = await pythonWithPyYaml();
  edgeDir = mkdtempSync(path.join(os.tmpdir(), "tdm-pyyaml-edge-"));
  for (const [name, text] of Object.entries(EDGE_CASES)) {
    writeFileSync(edgeFile(name), text);
  }
  const files = [...fixtureFiles(), ...Object.keys(EDGE_CASES).map(edgeFile)];
  const { stdout } = await execa(python, [LOADER, ...files]);
  for (const line of stdout.split("\n").filter(Boolean)) {
    const result = JSON.parse(line) as PyYamlResult;
    results.set(result.file, result);
  }
}, 300_000);

afterAll(() => {
  if (edgeDir) rmSync(edgeDir, { recursive: true, force: true });
});

function compare(file: string): void {
  const expected = results.get(file);
  if (!expected) throw new Error(`PyYAML printed nothing for ${file}`);
  const ours = loadLikePyYaml(readFileSync(file, "utf8"));
  const refusals = ours.problems.filter((p) => p.severity === "error");
  const verdict = refusals.length === 0;
  expect(
    { accepted: verdict, why: refusals.map((p) => p.message) },
    `PyYAML: ${expected.ok ? "accepted" : `refused (${expected.error})`}`,
  ).toMatchObject({ accepted: expected.ok });
  if (expected.ok)
    expect(normalizeLikePython(ours.value)).toEqual(expected.value);
}

describe("the parser agrees with PyYAML's safe_load", () => {
  it.each(fixtureFiles().map((file) => [path.basename(file), file]))(
    "fixture %s",
    (_name, file) => compare(file),
  );

  it.each(Object.keys(EDGE_CASES))("edge case %s", (name) =>
    compare(edgeFile(name)),
  );
});
