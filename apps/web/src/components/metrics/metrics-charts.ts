/**
 * The metrics page's charts, built from the selected members' sample windows: per-member series
 * for the totals and gauges, per-op series (combined across the selected members) for the
 * by-op charts.
 */
import type { MetricsSampleView } from "@keel/api";
import {
  alignSeries,
  type ChartRow,
  combineByOp,
  latencyPoints,
  ratePoints,
  type SeriesPoint,
  seriesKey,
} from "./metrics-window";

export interface MemberSeriesSource {
  /** Unique and stable (the member's URL). */
  readonly key: string;
  readonly label: string;
  readonly color: string;
  readonly samples: readonly MetricsSampleView[];
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly kind: "line" | "stacked";
  readonly rows: ChartRow[];
  readonly series: { name: string; label: string; color: string }[];
  readonly format: "rate" | "ms" | "count";
}

const OP_COLORS = [
  "blue.6",
  "teal.6",
  "orange.6",
  "grape.6",
  "red.6",
  "cyan.6",
  "lime.7",
  "pink.6",
  "yellow.7",
  "indigo.6",
];

/** The op's name without the router prefix ("node.get" → "get"), as the legend shows it. */
export function opLabel(op: string): string {
  const dot = op.lastIndexOf(".");
  return dot < 0 ? op : op.slice(dot + 1);
}

function memberChart(
  id: string,
  title: string,
  unit: string,
  format: ChartSpec["format"],
  members: readonly MemberSeriesSource[],
  pointsOf: (member: MemberSeriesSource) => SeriesPoint[],
): ChartSpec {
  const series = new Map(members.map((member) => [seriesKey(member.key), pointsOf(member)]));
  return {
    id,
    title,
    unit,
    kind: "line",
    format,
    rows: alignSeries(series),
    series: members.map((member) => ({ name: seriesKey(member.key), label: member.label, color: member.color })),
  };
}

function opChart(
  id: string,
  title: string,
  unit: string,
  format: ChartSpec["format"],
  kind: ChartSpec["kind"],
  byOp: Map<string, SeriesPoint[]>,
): ChartSpec {
  const keyed = new Map([...byOp].map(([op, points]) => [seriesKey(`op_${op}`), points]));
  return {
    id,
    title,
    unit,
    kind,
    format,
    rows: alignSeries(keyed),
    series: [...byOp.keys()].map((op, index) => ({
      name: seriesKey(`op_${op}`),
      label: opLabel(op),
      color: OP_COLORS[index % OP_COLORS.length] as string,
    })),
  };
}

export function buildCharts(members: readonly MemberSeriesSource[], percentile: "p50" | "p99"): ChartSpec[] {
  const rates = new Map(members.map((member) => [member.key, ratePoints(member.samples)]));
  const ratesOf = (member: MemberSeriesSource) => rates.get(member.key) ?? [];
  const gauge = (read: (sample: MetricsSampleView) => number) => (member: MemberSeriesSource) =>
    member.samples.map((sample) => ({ atMs: sample.atMs, value: read(sample) }));
  const latencyField = percentile === "p50" ? "latencyMsP50" : "latencyMsP99";
  const sum = (a: number, b: number) => a + b;
  return [
    opChart(
      "request-rate-by-op",
      "Request rate by op",
      "requests/s, selected members summed",
      "rate",
      "stacked",
      combineByOp([...rates.values()], sum),
    ),
    opChart(
      "latency-by-op",
      `Latency ${percentile} by op`,
      "ms, worst selected member",
      "ms",
      "line",
      combineByOp(
        members.map((member) => latencyPoints(member.samples, latencyField)),
        Math.max,
      ),
    ),
    memberChart("request-rate", "Request rate", "requests/s", "rate", members, (member) =>
      ratesOf(member).map((point) => ({ atMs: point.atMs, value: point.requests })),
    ),
    memberChart("commit-rate", "Commit rate", "txns/s", "rate", members, (member) =>
      ratesOf(member).map((point) => ({ atMs: point.atMs, value: point.commits })),
    ),
    memberChart(
      "outstanding",
      "Outstanding requests",
      "requests",
      "count",
      members,
      gauge((s) => s.outstandingRequests),
    ),
    memberChart(
      "fsync-p99",
      "Fsync latency p99",
      "ms",
      "ms",
      members,
      gauge((s) => s.fsyncMsP99),
    ),
    memberChart(
      "sessions",
      "Sessions",
      "sessions",
      "count",
      members,
      gauge((s) => s.sessions),
    ),
    memberChart(
      "znodes",
      "Znodes",
      "nodes",
      "count",
      members,
      gauge((s) => s.znodes),
    ),
    memberChart(
      "watches",
      "Watches",
      "watches",
      "count",
      members,
      gauge((s) => s.watches),
    ),
    memberChart(
      "connections",
      "Client connections",
      "connections",
      "count",
      members,
      gauge((s) => s.clientConnections),
    ),
  ];
}
