/** A loaded value in the form the Python helpers print (pyyaml_normalize.py). */
export function normalizeLikePython(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") {
    if (Number.isNaN(value)) return { $float: "nan" };
    if (!Number.isFinite(value)) return { $float: value > 0 ? "inf" : "-inf" };
    return value;
  }
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Buffer.isBuffer(value)) return { $binary: value.toString("base64") };
  if (value instanceof Set) return { $set: [...value].map(String).sort() };
  if (Array.isArray(value)) return value.map(normalizeLikePython);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      normalizeLikePython(item),
    ]),
  );
}
