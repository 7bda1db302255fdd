/**
 * Renders rows as a plain-text table (also valid Markdown): workload × system, each cell the
 * median with [min–max] when repeats differ, then Keel's ratio to the best other system and
 * whether that is better or worse.
 */
import { type Row, type SystemName, systemNames } from "./report.js";
import type { Spread } from "./stats.js";

/** A number short enough for a table: integers with thousands separators, small values to 3 digits. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString("en-US");
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return "0";
  return value.toPrecision(2);
}

export function formatSpread(cell: Spread | undefined): string {
  if (!cell) return "—";
  if (cell.values.length <= 1 || cell.min === cell.max) return formatNumber(cell.median);
  return `${formatNumber(cell.median)} [${formatNumber(cell.min)}–${formatNumber(cell.max)}]`;
}

export function formatRatio(row: Row): string {
  if (row.ratio === undefined) return row.better === "info" ? "(info)" : "—";
  const ratio = row.ratio.toFixed(2);
  const keelBetter = row.better === "higher" ? row.ratio > 1 : row.ratio < 1;
  const verdict = Math.abs(row.ratio - 1) < 0.005 ? "same" : keelBetter ? "Keel better" : "Keel worse";
  return `${ratio}× (${row.better} is better: ${verdict})`;
}

export function renderTable(rows: readonly Row[], systems: readonly SystemName[] = systemNames): string {
  const header = ["workload", "metric", ...systems, "Keel / best other"];
  const body = rows.map((row) => [
    row.workload,
    `${row.metric} (${row.unit})`,
    ...systems.map((s) => formatSpread(row.bySystem[s])),
    formatRatio(row),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((line) => (line[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  const rule = `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`;
  return [line(header), rule, ...body.map(line)].join("\n");
}
