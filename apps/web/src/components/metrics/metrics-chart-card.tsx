/**
 * One chart on the metrics page: a titled card with a line or area chart, or a "waiting" note
 * until it has two points. The card carries its point and series counts as data attributes, so
 * tests can tell that samples reached the chart without reading SVG.
 */
import { AreaChart, LineChart } from "@mantine/charts";
import { Center, Group, Loader, Paper, Text } from "@mantine/core";
import { memo } from "react";
import { formatClockTime } from "../../lib/format";
import type { ChartRow } from "./metrics-window";

export interface ChartSeries {
  readonly name: string;
  readonly label: string;
  readonly color: string;
}

const CHART_HEIGHT = 190;

export const MetricsChartCard = memo(function MetricsChartCard({
  id,
  title,
  unit,
  rows,
  series,
  kind = "line",
  valueFormatter,
  withLegend = false,
  integer = false,
}: {
  id: string;
  title: string;
  unit: string;
  rows: readonly ChartRow[];
  series: readonly ChartSeries[];
  kind?: "line" | "stacked";
  valueFormatter: (value: number) => string;
  /** Series are not members (the chips are the members' legend): name them under the chart. */
  withLegend?: boolean;
  /** Counts: no fractional ticks. */
  integer?: boolean;
}) {
  const ready = rows.length >= 2 && series.length > 0;
  const common = {
    h: CHART_HEIGHT,
    data: rows as ChartRow[],
    dataKey: "t",
    series: series.map((entry) => ({ ...entry })),
    curveType: "linear" as const,
    withDots: false,
    withLegend,
    legendProps: { verticalAlign: "bottom" as const, height: 60 },

    valueFormatter,
    tickLine: "y" as const,
    gridAxis: "y" as const,
    xAxisProps: { tickFormatter: (t: number) => formatClockTime(t).slice(0, 8), minTickGap: 40 },
    yAxisProps: { width: 56, allowDecimals: !integer },
    connectNulls: true,
  };
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      data-testid="metrics-chart"
      data-chart={id}
      data-points={rows.length}
      data-series={series.length}
      // A grid cell grows with its content by default, and a responsive chart grows with its
      // cell: without a zero minimum width the two feed each other until the tab runs out of memory.
      miw={0}
    >
      <Group justify="space-between" mb="xs">
        <Text fw={600}>{title}</Text>
        <Text size="xs" c="dimmed">
          {unit}
        </Text>
      </Group>
      {ready ? (
        kind === "stacked" ? (
          <AreaChart {...common} type="stacked" fillOpacity={0.35} areaProps={{ isAnimationActive: false }} />
        ) : (
          <LineChart {...common} lineProps={{ isAnimationActive: false }} strokeWidth={1.75} />
        )
      ) : (
        <Center h={CHART_HEIGHT}>
          <Group gap="xs">
            <Loader size="xs" type="dots" />
            <Text size="sm" c="dimmed">
              {series.length === 0 && rows.length >= 2 ? "No activity in the window" : "Waiting for samples…"}
            </Text>
          </Group>
        </Center>
      )}
    </Paper>
  );
});
