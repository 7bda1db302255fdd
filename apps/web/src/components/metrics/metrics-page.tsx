"use client";

/**
 * The metrics page: every member's `cluster.metrics` stream (one sample a second) kept in a
 * two-minute rolling window in the browser, charted per member and per op. Chips choose which
 * members the charts include.
 */
import type { MetricsSampleView } from "@keel/api";
import { Chip, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { formatCount } from "../../lib/format";
import { useMembers, useMemberUrls } from "../../trpc/providers";
import { MemberMetricsFeed } from "./member-metrics-feed";
import { MetricsChartCard } from "./metrics-chart-card";
import { buildCharts, type ChartSpec, type MemberSeriesSource } from "./metrics-charts";
import { MetricsTotalsStrip } from "./metrics-totals-strip";
import { appendSample, METRICS_WINDOW_MS } from "./metrics-window";

/** How often the charts take the latest windows. */
const CHART_REDRAW_MS = 1000;

const MEMBER_COLORS = ["blue.6", "teal.6", "orange.6", "grape.6", "red.6", "cyan.6", "lime.7"];

type Windows = Readonly<Record<string, readonly MetricsSampleView[]>>;

function windowsReducer(windows: Windows, action: { url: string; sample: MetricsSampleView }): Windows {
  const current = windows[action.url] ?? [];
  const next = appendSample(current, action.sample);
  return next === current ? windows : { ...windows, [action.url]: next };
}

const FORMATTERS: Record<ChartSpec["format"], (value: number) => string> = {
  rate: (value) => (value < 10 ? value.toFixed(1) : formatCount(value)),
  ms: (value) => (value < 10 ? value.toFixed(2) : value.toFixed(0)),
  count: (value) => formatCount(value),
};

export function MetricsPage() {
  const urls = useMemberUrls();
  const members = useMembers();
  const [windows, addSample] = useReducer(windowsReducer, {});
  const onSample = useCallback((url: string, sample: MetricsSampleView) => addSample({ url, sample }), []);
  const [hidden, setHidden] = useState<readonly string[]>([]);
  const [percentile, setPercentile] = useState<"p50" | "p99">("p99");

  // Statuses arrive several times a second; only the members' ids matter here, so key on them.
  const idsKey = urls
    .map((url) => members.find((member) => member.url === url)?.status?.serverId ?? windows[url]?.[0]?.serverId ?? "")
    .join(",");
  const labels = useMemo(
    () =>
      idsKey
        .split(",")
        .map((id, index) => (id === "" ? (urls[index] ?? "").replace(/^https?:\/\//, "") : `Server ${id}`)),
    [idsKey, urls],
  );
  // Charts redraw once a second (the samples' own rate), whatever else re-renders the page:
  // recharts redraws are the page's main cost.
  const windowsRef = useRef(windows);
  windowsRef.current = windows;
  const [charted, setCharted] = useState<Windows>({});
  useEffect(() => {
    const timer = setInterval(() => setCharted(windowsRef.current), CHART_REDRAW_MS);
    return () => clearInterval(timer);
  }, []);
  const sourcesOf = useCallback(
    (from: Windows): MemberSeriesSource[] =>
      urls.map((url, index) => ({
        key: url,
        label: labels[index] ?? url,
        color: MEMBER_COLORS[index % MEMBER_COLORS.length] as string,
        samples: from[url] ?? [],
      })),
    [urls, labels],
  );
  const sources = useMemo(() => sourcesOf(windows), [sourcesOf, windows]);
  const shown = useMemo(
    () => sourcesOf(charted).filter((source) => !hidden.includes(source.key)),
    [sourcesOf, charted, hidden],
  );
  const charts = useMemo(() => buildCharts(shown, percentile), [shown, percentile]);

  return (
    <Stack gap="md">
      {urls.map((url) => (
        <MemberMetricsFeed key={url} url={url} onSample={onSample} />
      ))}
      <div>
        <Title order={2}>Metrics</Title>
        <Text c="dimmed" size="sm">
          Live samples from every member, one a second; the last {METRICS_WINDOW_MS / 60_000} minutes are kept in this
          page.
        </Text>
      </div>
      <Paper withBorder radius="md" p="sm">
        <Group justify="space-between">
          <Group gap="xs">
            <Text size="sm" fw={600}>
              Members
            </Text>
            {sources.map((source) => (
              <Chip
                key={source.key}
                checked={!hidden.includes(source.key)}
                onChange={(checked) =>
                  setHidden((current) =>
                    checked ? current.filter((key) => key !== source.key) : [...current, source.key],
                  )
                }
                color={source.color}
                variant="outline"
                data-testid="member-chip"
                data-member-id={source.samples[0]?.serverId ?? ""}
                data-samples={source.samples.length}
              >
                {source.label}
                <Text span size="xs" ml={6} opacity={0.75}>
                  {source.samples.length === 0 ? "no samples yet" : `${source.samples.length} samples`}
                </Text>
              </Chip>
            ))}
          </Group>
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              Latency percentile
            </Text>
            <SegmentedControl
              size="xs"
              value={percentile}
              onChange={(value) => setPercentile(value === "p50" ? "p50" : "p99")}
              data={["p50", "p99"]}
              data-testid="percentile-toggle"
            />
          </Group>
        </Group>
      </Paper>
      <MetricsTotalsStrip members={shown} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        {charts.map((chart) => (
          <MetricsChartCard
            key={chart.id}
            id={chart.id}
            title={chart.title}
            unit={chart.unit}
            rows={chart.rows}
            series={chart.series}
            kind={chart.kind}
            valueFormatter={FORMATTERS[chart.format]}
            withLegend={chart.id.endsWith("by-op")}
            integer={chart.format === "count"}
          />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
