/** The numbers an operator checks first: who leads, in which epoch, with how many voters. */
import { Paper, SimpleGrid, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { formatCount } from "../../lib/format";
import type { ClusterSummary } from "./cluster-model";

function Stat({
  label,
  value,
  color,
  testId,
}: {
  label: string;
  value: ReactNode;
  color?: string | undefined;
  testId: string;
}) {
  return (
    <Paper withBorder radius="md" p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700} {...(color === undefined ? {} : { c: color })} data-testid={testId}>
        {value}
      </Text>
    </Paper>
  );
}

const orDash = (value: number | null) => (value === null ? "–" : formatCount(value));

export function ClusterSummaryStrip({ summary }: { summary: ClusterSummary }) {
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
      <Stat
        label="Leader"
        value={summary.leaderId === null ? "none" : `Server ${summary.leaderId}`}
        color={summary.leaderId === null ? "red" : undefined}
        testId="summary-leader"
      />
      <Stat label="Epoch" value={orDash(summary.epoch)} testId="summary-epoch" />
      <Stat
        label="Quorum"
        value={`${summary.votersUp} / ${summary.voters} voters`}
        color={!summary.quorum ? "red" : summary.votersUp < summary.voters ? "orange" : "teal"}
        testId="summary-quorum"
      />
      <Stat label="Znodes" value={orDash(summary.znodes)} testId="summary-znodes" />
      <Stat label="Sessions" value={orDash(summary.sessions)} testId="summary-sessions" />
      <Stat label="Watches" value={orDash(summary.watches)} testId="summary-watches" />
    </SimpleGrid>
  );
}
