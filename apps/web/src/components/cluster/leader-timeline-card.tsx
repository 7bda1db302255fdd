/** Every leader the ensemble had (as far as the members and this page remember), newest first. */
import { Badge, Paper, Table, Text, Title } from "@mantine/core";
import { formatAge, formatClockTime, formatDuration } from "../../lib/format";
import type { LeaderTimelineEntry } from "./leader-timeline";

export function LeaderTimelineCard({
  entries,
  currentLeaderId,
  currentEpoch,
  nowMs,
}: {
  entries: readonly LeaderTimelineEntry[];
  currentLeaderId: number | null;
  currentEpoch: number | null;
  nowMs: number;
}) {
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={4} mb="xs">
        Leader timeline
      </Title>
      {entries.length === 0 ? (
        <Text c="dimmed" size="sm">
          No leader reported yet: the members are still starting or electing.
        </Text>
      ) : (
        <Table verticalSpacing={6} data-testid="leader-timeline">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Epoch</Table.Th>
              <Table.Th>Leader</Table.Th>
              <Table.Th>Since</Table.Th>
              <Table.Th>Led for</Table.Th>
              <Table.Th>Reported by</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((entry, index) => {
              const current = entry.leaderId === currentLeaderId && entry.epoch === currentEpoch;
              // Entries are newest first: the next newer one ended this leader's term.
              const endMs = index === 0 ? (current ? nowMs : null) : (entries[index - 1]?.atMs ?? null);
              return (
                <Table.Tr
                  key={`${entry.epoch}:${entry.leaderId}`}
                  data-testid="leader-timeline-row"
                  data-epoch={entry.epoch}
                  data-leader-id={entry.leaderId}
                  data-current={current ? "true" : "false"}
                >
                  <Table.Td className="mono">{entry.epoch}</Table.Td>
                  <Table.Td>
                    <Text span fw={current ? 700 : 400}>
                      Server {entry.leaderId}
                    </Text>{" "}
                    {current && (
                      <Badge size="xs" color="indigo" ml={4}>
                        current
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" span className="mono">
                      {formatClockTime(entry.atMs)}
                    </Text>{" "}
                    <Text size="xs" c="dimmed" span>
                      ({formatAge(entry.atMs, nowMs)})
                    </Text>
                  </Table.Td>
                  <Table.Td>{endMs === null ? "–" : formatDuration(Math.max(0, endMs - entry.atMs))}</Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {entry.seenBy.map((id) => `S${id}`).join(", ")}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
