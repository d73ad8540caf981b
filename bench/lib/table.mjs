/**
 * The human table: one row per figure, its median and spread, the
 * comparison and the ratio, the goal and whether the figure meets it.
 */
export function formatTable(rows) {
  const header = [
    "group",
    "figure",
    "median ± spread",
    "runs",
    "vs",
    "ratio",
    "goal",
    "note",
  ];
  const lines = rows.map((row) => [
    row.group,
    row.name,
    row.status === "measured" ? valueText(row) : row.status,
    row.status === "measured" ? String(row.runs) : "",
    row.comparison
      ? `${row.comparison.name}: ${numberText(row.comparison.median)} ${row.unit}`
      : "",
    row.comparison?.ratio != null ? `${row.comparison.ratio.toFixed(2)}×` : "",
    goalText(row),
    row.note ?? "",
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length)),
  );
  const format = (cells) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column]),
      )
      .join("  ")
      .trimEnd();
  return [
    format(header),
    format(widths.map((width) => "-".repeat(width))),
    ...lines.map(format),
  ]
    .join("\n")
    .concat("\n");
}

function valueText(row) {
  if (row.median === null) return `— ${row.unit}`;
  const spread = row.spread === null ? "" : ` ± ${numberText(row.spread)}`;
  return `${numberText(row.median)}${spread} ${row.unit}`;
}

function numberText(value) {
  if (value === null || value === undefined) return "—";
  return Math.abs(value) >= 100 ? String(Math.round(value)) : String(value);
}

/** `≤ 150 ms ✓`, or `ratio ≤ 1 ✗`, from `{ field, max }`. */
export function goalText(row) {
  const goal = row.goal;
  if (!goal || typeof goal.max !== "number") return "";
  const actual = goal.field === "ratio" ? row.comparison?.ratio : row.median;
  const label =
    goal.field === "ratio"
      ? `ratio ≤ ${goal.max}`
      : `≤ ${goal.max} ${row.unit}`;
  if (actual === null || actual === undefined || row.status !== "measured")
    return label;
  return `${label} ${actual <= goal.max ? "met" : "missed"}`;
}
