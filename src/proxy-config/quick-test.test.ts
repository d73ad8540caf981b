import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileQuickTest } from "./quick-test.js";
import { configQuickTest, configSchema } from "./schema.js";

const SAMPLES: unknown[] = [
  "text",
  "",
  0,
  1.5,
  NaN,
  Infinity,
  true,
  null,
  undefined,
  [],
  ["a", 1],
  {},
  { a: 1 },
  new Date(0),
];

const VALID_CONFIG = {
  model_list: [
    {
      model_name: "local",
      litellm_params: {
        model: "openai/local",
        api_base: "http://127.0.0.1:1234/v1",
        rpm: 60,
        extra_body: { a: 1 },
      },
      model_info: { id: "local-1", mode: "chat" },
    },
  ],
  litellm_settings: { drop_params: true, cache_params: { port: "6379" } },
  router_settings: { fallbacks: [{ local: ["other"] }] },
  general_settings: { master_key: "sk-x", alerting: ["slack"] },
  environment_variables: { A: 1 },
};

describe("the quick test", () => {
  it.each([
    ["string", z.string()],
    ["nullish number", z.number().nullish()],
    ["boolean", z.boolean().optional()],
    ["union", z.union([z.string(), z.number()]).nullable()],
    ["array", z.array(z.string())],
    ["record", z.record(z.string(), z.number())],
    ["strict object", z.strictObject({ a: z.number().optional() })],
    ["loose object", z.looseObject({ a: z.string() })],
  ])("agrees with zod on a %s", (_name, schema) => {
    const test = compileQuickTest(schema);
    for (const value of SAMPLES) {
      if (value instanceof Date) continue;
      expect(test(value), String(value)).toBe(schema.safeParse(value).success);
    }
  });

  it("passes nothing for a schema with refinements", () => {
    expect(compileQuickTest(z.string().min(1))("text")).toBe(false);
    expect(compileQuickTest(z.email())("a@b.c")).toBe(false);
    expect(compileQuickTest(z.int())(1)).toBe(false);
    expect(compileQuickTest(z.looseObject({}).refine(() => true))({})).toBe(
      false,
    );
  });

  it("passes a well-shaped config", () => {
    expect(configSchema().safeParse(VALID_CONFIG).success).toBe(true);
    expect(configQuickTest()(VALID_CONFIG)).toBe(true);
  });

  it("never passes a config the schema refuses", () => {
    let refused = 0;
    for (const path of pathsIn(VALID_CONFIG)) {
      for (const value of [...SAMPLES, "unknown-key"]) {
        const config = withValueAt(VALID_CONFIG, path, value);
        if (configSchema().safeParse(config).success) continue;
        refused += 1;
        expect(configQuickTest()(config), path.join(".")).toBe(false);
      }
    }
    expect(refused).toBeGreaterThan(50);
  });
});

/** Every path in a value, and a new key beside each mapping's own. */
function pathsIn(value: unknown, at: string[] = []): string[][] {
  const here = at.length > 0 ? [at] : [];
  if (typeof value !== "object" || value === null) return here;
  const inside = Object.entries(value).flatMap(([key, item]) =>
    pathsIn(item, [...at, key]),
  );
  const added = Array.isArray(value) ? [] : [[...at, "not_a_known_key"]];
  return [...here, ...inside, ...added];
}

function withValueAt(root: unknown, path: string[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const segment of path.slice(0, -1)) {
    node = node[segment] as Record<string, unknown>;
  }
  node[path[path.length - 1] ?? ""] = value;
  return copy;
}
