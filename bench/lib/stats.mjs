/**
 * Summaries of repeated measurements. Every figure the bench prints is a
 * median with its spread, so one slow run on a shared machine moves
 * neither much.
 */

export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The median absolute deviation: half the runs lie within this distance of
 * the median. Robust against one outlier, in the figure's own unit.
 */
export function spread(values) {
  const middle = median(values);
  if (middle === null) return null;
  return median(values.map((value) => Math.abs(value - middle)));
}

/** Rounds for display and JSON: three significant digits at most. */
export function round(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return value ?? null;
  }
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}

/**
 * A figure as the runner expects it from every module: the median of the
 * samples, their spread, how many runs, and when given the comparison
 * measured in the same run with the ratio of the two medians.
 */
export function figure({ name, unit, samples, comparison, goal, note }) {
  const value = median(samples);
  const result = {
    name,
    unit,
    median: round(value),
    spread: round(spread(samples)),
    runs: samples.length,
  };
  if (comparison) {
    const other = median(comparison.samples);
    result.comparison = {
      name: comparison.name,
      median: round(other),
      ratio: value !== null && other ? round(value / other) : null,
    };
  }
  if (goal) result.goal = goal;
  if (note) result.note = note;
  return result;
}
