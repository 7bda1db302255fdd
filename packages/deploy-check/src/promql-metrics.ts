/**
 * The metric names a PromQL expression reads. PromQL is small enough for this: drop strings,
 * label matchers `{...}`, ranges `[...]` and the label lists of by/without/on/ignoring/group_*,
 * and what is left that is an identifier not called as a function, nor a keyword, is a metric.
 */
const keywords = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
]);

export function metricNamesIn(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const match of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(\()?)/g)) {
    const name = match[0];
    const isCall = match[1] !== undefined;
    const startsNumber = match.index > 0 && /[0-9.]/.test(bare[match.index - 1] ?? "");
    if (!isCall && !startsNumber && !keywords.has(name)) names.add(name);
  }
  return [...names];
}
