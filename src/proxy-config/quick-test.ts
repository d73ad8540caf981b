import type { z } from "zod";
import { isMapping } from "./includes.js";

/** Whether a value certainly passes a schema. */
export type QuickTest = (value: unknown) => boolean;

/**
 * A test compiled from a zod schema that passes a value only when the
 * schema certainly accepts it, without the allocations of zod's parse (a
 * result object per value, which on a large config costs more than the
 * rest of the checks). It is only ever a shortcut: a value it does not
 * pass goes to zod, whose issues make the diagnostics.
 *
 * It knows the schema types the proxy config is written with; for any
 * other (or a type with refinements), it passes nothing.
 */
export function compileQuickTest(schema: z.core.$ZodType): QuickTest {
  return compile(schema) ?? passesNothing;
}

const passesNothing: QuickTest = () => false;
const passesAll: QuickTest = () => true;

function compile(schema: z.core.$ZodType): QuickTest | undefined {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  if (hasRefinements(def)) return undefined;
  switch (def.type) {
    case "unknown":
      return passesAll;
    case "string":
      return (v) => typeof v === "string";
    case "number":
      // zod refuses NaN and the infinities as numbers.
      return (v) => Number.isFinite(v);
    case "boolean":
      return (v) => typeof v === "boolean";
    case "optional":
      return orAlso(compile(def.innerType), undefined);
    case "nullable":
      return orAlso(compile(def.innerType), null);
    case "union":
      return compileUnion(def.options);
    case "array":
      return compileArray(def.element);
    case "record":
      return compileRecord(def.keyType, def.valueType);
    case "object":
      return compileObject(def.shape, def.catchall);
    default:
      return undefined;
  }
}

/** Checks (`.min()`, `.refine()`) and formats (`z.email()`, `z.int()`). */
function hasRefinements(def: z.core.$ZodTypeDef): boolean {
  return Boolean(def.checks?.length) || "check" in def || "format" in def;
}

function orAlso(
  test: QuickTest | undefined,
  allowed: null | undefined,
): QuickTest | undefined {
  return test && ((v) => v === allowed || test(v));
}

function compileUnion(
  options: readonly z.core.$ZodType[],
): QuickTest | undefined {
  const tests = options.map(compile);
  if (!tests.every((test) => test !== undefined)) return undefined;
  return (v) => tests.some((test) => test(v));
}

function compileArray(element: z.core.$ZodType): QuickTest | undefined {
  const test = compile(element);
  return test && ((v) => Array.isArray(v) && v.every(test));
}

function compileRecord(
  keyType: z.core.$ZodType,
  valueType: z.core.$ZodType,
): QuickTest | undefined {
  const keyTest = compile(keyType);
  const valueTest = compile(valueType);
  if (!keyTest || !valueTest) return undefined;
  return (v) => {
    if (!isMapping(v)) return false;
    for (const key in v) {
      if (!keyTest(key) || !valueTest(v[key])) return false;
    }
    return true;
  };
}

/**
 * Every field of the shape passes (a missing one is undefined to its
 * test); other keys pass when the object is loose or strips them, and
 * fail a strict one (zod's catchall is then `never`).
 */
function compileObject(
  shape: Readonly<Record<string, z.core.$ZodType>>,
  catchall: z.core.$ZodType | undefined,
): QuickTest | undefined {
  const fields: [string, QuickTest][] = [];
  for (const [key, field] of Object.entries(shape)) {
    const test = compile(field);
    if (!test) return undefined;
    fields.push([key, test]);
  }
  const catchallType = catchall?._zod.def.type;
  if (catchallType !== undefined && catchallType !== "unknown") {
    if (catchallType !== "never") return undefined;
  }
  const strict = catchallType === "never";
  return (v) => {
    if (!isMapping(v)) return false;
    for (const [key, test] of fields) if (!test(v[key])) return false;
    if (!strict) return true;
    for (const key in v) if (!Object.hasOwn(shape, key)) return false;
    return true;
  };
}
