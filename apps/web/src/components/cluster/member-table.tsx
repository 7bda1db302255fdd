/**
 * One row per configured member: who it is, what it does, how far behind the leader it is. A down
 * member keeps its last known values, dimmed, on a red row.
 */
import { Group, Paper, ScrollArea, Stack, Table, Text, Tooltip } from "@mantine/core";
import { formatCount, formatDuration, formatZxid } from "../../lib/format";
import type { MemberRow } from "./cluster-model";
import { HealthBadge, RoleBadge, StateBadge } from "./member-badges";

const COLUMNS = [
  "Member",
  "Role",
  "State",
  "Epoch",
  "Last zxid",
  "Lag behind leader",
  "Sessions",
  "Connections",
  "Health",
  "Uptime",
  "Version",
] as const;

export function MemberTable({ rows, nowMs }: { rows: readonly MemberRow[]; nowMs: number }) {
  return (
    <Paper withBorder radius="md">
      <ScrollArea type="auto">
        <Table verticalSpacing="sm" horizontalSpacing="sm" highlightOnHover miw={1000}>
          <Table.Thead>
            <Table.Tr>
              {COLUMNS.map((column) => (
                <Table.Th key={column} style={{ whiteSpace: "nowrap" }}>
                  {column}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <MemberTableRow key={row.url} row={row} nowMs={nowMs} />
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Paper>
  );
}

function MemberTableRow({ row, nowMs }: { row: MemberRow; nowMs: number }) {
  const status = row.status;
  // A down member's last known numbers stay, dimmed: what it had when it went away matters.
  const stale = row.up ? undefined : 0.45;
  return (
    <Table.Tr
      data-testid="member-row"
      data-member-id={row.serverId ?? ""}
      data-role={row.role}
      data-state={row.state}
      style={row.up ? undefined : { backgroundColor: "var(--mantine-color-red-light)" }}
    >
      <Table.Td>
        <Stack gap={0}>
          <Text fw={600}>{row.serverId === null ? "Member" : `Server ${row.serverId}`}</Text>
          <Text size="xs" c="dimmed" className="mono">
            {row.url.replace(/^https?:\/\//, "")}
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td miw={120} style={{ whiteSpace: "nowrap" }}>
        <RoleBadge row={row} />
      </Table.Td>
      <Table.Td miw={120} style={{ whiteSpace: "nowrap" }}>
        <StateBadge row={row} nowMs={nowMs} />
      </Table.Td>
      <Table.Td
        data-testid="member-epoch"
        data-epoch={status?.currentEpoch ?? ""}
        data-accepted-epoch={status?.acceptedEpoch ?? ""}
        opacity={stale}
      >
        <EpochCell row={row} />
      </Table.Td>
      <Table.Td data-testid="member-zxid" data-zxid={status?.lastAppliedZxid ?? ""} opacity={stale}>
        {status === null ? (
          <Text c="dimmed">–</Text>
        ) : (
          <Tooltip label={`${status.lastAppliedZxid} (decimal); logged ${formatZxid(status.lastLoggedZxid)}`} withArrow>
            <Text className="mono" span>
              {formatZxid(status.lastAppliedZxid)}
            </Text>
          </Tooltip>
        )}
      </Table.Td>
      <Table.Td data-testid="member-lag">
        <LagCell row={row} />
      </Table.Td>
      <Table.Td opacity={stale}>{status === null ? "–" : formatCount(status.sessions)}</Table.Td>
      <Table.Td opacity={stale}>{status === null ? "–" : formatCount(status.clientConnections)}</Table.Td>
      <Table.Td miw={110} style={{ whiteSpace: "nowrap" }}>
        <HealthBadge row={row} />
      </Table.Td>
      <Table.Td opacity={stale} style={{ whiteSpace: "nowrap" }}>
        {status === null || !row.up ? "–" : formatDuration(status.uptimeMs)}
      </Table.Td>
      <Table.Td opacity={stale}>
        <Text size="sm" className="mono">
          {status?.version ?? "–"}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function EpochCell({ row }: { row: MemberRow }) {
  const status = row.status;
  if (status === null) return <Text c="dimmed">–</Text>;
  return (
    <Group gap={6} wrap="nowrap">
      <Text className="mono" span>
        {status.currentEpoch}
      </Text>
      {status.acceptedEpoch !== status.currentEpoch && (
        <Tooltip label="Accepted a newer epoch than it serves in: the member is joining a new leader" withArrow>
          <Text size="xs" c="yellow.7" span style={{ whiteSpace: "nowrap" }}>
            accepted {status.acceptedEpoch}
          </Text>
        </Tooltip>
      )}
    </Group>
  );
}

function LagCell({ row }: { row: MemberRow }) {
  if (row.lag === null) return <Text c="dimmed">–</Text>;
  const behind = row.lag.txns > 0;
  return (
    <Text size="sm" {...(behind ? { c: "orange.7" } : {})} style={{ whiteSpace: "nowrap" }}>
      {formatCount(row.lag.txns)} txns · {formatDuration(row.lag.ms)}
    </Text>
  );
}
