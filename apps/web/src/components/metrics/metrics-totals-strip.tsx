/** The row of headline numbers above the charts. */
import { Paper, SimpleGrid, Text } from "@mantine/core";
import { useMemo } from "react";
import { formatCount } from "../../lib/format";
import type { MemberSeriesSource } from "./metrics-charts";
import { metricsTotals } from "./metrics-totals";

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Paper withBorder radius="md" p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

const rate = (value: number | null) => (value === null ? "–" : value < 10 ? value.toFixed(1) : formatCount(value));
const count = (value: number | null) => (value === null ? "–" : formatCount(value));

export function MetricsTotalsStrip({ members }: { members: readonly MemberSeriesSource[] }) {
  const totals = useMemo(() => metricsTotals(members.map((member) => member.samples)), [members]);
  return (
    <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} spacing="sm">
      <Stat label="Requests/s" value={rate(totals.requestsPerSecond)} testId="total-requests" />
      <Stat label="Commits/s" value={rate(totals.commitsPerSecond)} testId="total-commits" />
      <Stat
        label="Worst p99"
        value={totals.latencyMsP99 === null ? "–" : `${totals.latencyMsP99.toFixed(1)} ms`}
        testId="total-p99"
      />
      <Stat label="Outstanding" value={count(totals.outstandingRequests)} testId="total-outstanding" />
      <Stat label="Sessions" value={count(totals.sessions)} testId="total-sessions" />
      <Stat label="Znodes" value={count(totals.znodes)} testId="total-znodes" />
      <Stat label="Watches" value={count(totals.watches)} testId="total-watches" />
    </SimpleGrid>
  );
}
