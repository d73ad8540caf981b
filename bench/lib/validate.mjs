/**
 * Checks a figure against the contract in bench/README.md; returns what is
 * wrong with it, or undefined when it is a figure.
 */
export function validateFigure(value) {
  if (typeof value !== "object" || value === null) return "not an object";
  if (typeof value.name !== "string" || !value.name) return "no name";
  if (typeof value.unit !== "string" || !value.unit) return "no unit";
  if (!isNumberOrNull(value.median)) return "median is not a number or null";
  if (value.median === null && typeof value.note !== "string") {
    return "a figure without a median needs a note saying why";
  }
  if (!isNumberOrNull(value.spread)) return "spread is not a number or null";
  if (!Number.isInteger(value.runs) || value.runs < 0) {
    return "runs is not a whole number";
  }
  if (value.comparison !== undefined) {
    const { comparison } = value;
    if (typeof comparison !== "object" || comparison === null) {
      return "comparison is not an object";
    }
    if (typeof comparison.name !== "string") return "comparison has no name";
    if (!isNumberOrNull(comparison.median)) {
      return "comparison median is not a number or null";
    }
    if (!isNumberOrNull(comparison.ratio)) {
      return "comparison ratio is not a number or null";
    }
  }
  if (value.note !== undefined && typeof value.note !== "string") {
    return "note is not a string";
  }
  return undefined;
}

function isNumberOrNull(value) {
  return (
    value === null || (typeof value === "number" && Number.isFinite(value))
  );
}
