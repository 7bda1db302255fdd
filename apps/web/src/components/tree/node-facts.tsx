"use client";

/** The node view's facts: the full Stat, the kind (with owner session or TTL countdown) and the ACL. */
import type { AclEntry, NodeView, StatView } from "@keel/api";
import { Badge, Code, Group, Table, Text, Tooltip } from "@mantine/core";
import { useEffect, useState } from "react";
import { formatDuration, formatSessionId, formatZxid } from "../../lib/format";
import { isEphemeralKind, isTtlKind, kindBadge, permissionLetters, ttlLeftMs } from "./node-kind";

function ZxidCell({ decimal }: { decimal: string }) {
  return (
    <Tooltip label={`decimal ${decimal}`} openDelay={300}>
      <Text ff="monospace" size="sm" span>
        {formatZxid(decimal)}
      </Text>
    </Tooltip>
  );
}

function dateOf(ms: number): string {
  return ms === 0 ? "–" : new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

const STAT_ROWS: { field: keyof StatView; label: string; render: (stat: StatView) => React.ReactNode }[] = [
  { field: "czxid", label: "created zxid", render: (stat) => <ZxidCell decimal={stat.czxid} /> },
  { field: "mzxid", label: "modified zxid", render: (stat) => <ZxidCell decimal={stat.mzxid} /> },
  { field: "pzxid", label: "children zxid", render: (stat) => <ZxidCell decimal={stat.pzxid} /> },
  { field: "ctime", label: "created (UTC)", render: (stat) => dateOf(stat.ctime) },
  { field: "mtime", label: "modified (UTC)", render: (stat) => dateOf(stat.mtime) },
  { field: "version", label: "data version", render: (stat) => stat.version },
  { field: "cversion", label: "children version", render: (stat) => stat.cversion },
  { field: "aversion", label: "ACL version", render: (stat) => stat.aversion },
  {
    field: "ephemeralOwner",
    label: "ephemeral owner",
    render: (stat) => (
      <Text ff="monospace" size="sm" span>
        {formatSessionId(stat.ephemeralOwner)}
      </Text>
    ),
  },
  { field: "dataLength", label: "data length", render: (stat) => `${stat.dataLength} B` },
  { field: "numChildren", label: "children", render: (stat) => stat.numChildren },
];

export function StatTable({ stat }: { stat: StatView }) {
  return (
    <Table withRowBorders verticalSpacing={4} fz="sm" data-testid="node-stat">
      <Table.Tbody>
        {STAT_ROWS.map((row) => (
          <Table.Tr key={row.field}>
            <Table.Td w={170} style={{ whiteSpace: "nowrap" }}>
              <Text span size="sm" ff="monospace">
                {row.field}
              </Text>
              <Text span size="xs" c="dimmed">
                {" "}
                {row.label}
              </Text>
            </Table.Td>
            <Table.Td data-testid={`stat-${row.field}`} ff="monospace">
              {row.render(stat)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The kind badge; ephemerals name their session, TTL nodes tick down their time left. */
export function KindBadges({ node }: { node: NodeView }) {
  const badge = kindBadge(node.kind);
  return (
    <Group gap={6}>
      <Badge color={badge.color} variant="light" data-testid="node-kind" data-kind={node.kind}>
        {badge.label}
      </Badge>
      {isEphemeralKind(node.kind) ? (
        <Badge color="violet" variant="outline" ff="monospace" data-testid="node-owner">
          owner {formatSessionId(node.stat.ephemeralOwner)}
        </Badge>
      ) : null}
      {isTtlKind(node.kind) && node.ttlMs !== undefined ? (
        <TtlBadge mtimeMs={node.stat.mtime} ttlMs={node.ttlMs} hasChildren={node.stat.numChildren > 0} />
      ) : null}
    </Group>
  );
}

function TtlBadge({ mtimeMs, ttlMs, hasChildren }: { mtimeMs: number; ttlMs: number; hasChildren: boolean }) {
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    // Re-renders the countdown label only; no API call.
    const timer = setInterval(() => setNowMs(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const leftMs = ttlLeftMs(mtimeMs, ttlMs, nowMs);
  const label = hasChildren
    ? `TTL ${formatDuration(ttlMs)} · kept while it has children`
    : leftMs === 0
      ? `TTL ${formatDuration(ttlMs)} · expired, awaiting removal`
      : `TTL ${formatDuration(ttlMs)} · ${formatDuration(leftMs)} left`;
  return (
    <Badge color={leftMs < 10_000 && !hasChildren ? "red" : "orange"} variant="outline" data-testid="node-ttl">
      {label}
    </Badge>
  );
}

export function AclTable({ acl }: { acl: readonly AclEntry[] }) {
  return (
    <Table withRowBorders verticalSpacing={4} fz="sm" data-testid="node-acl">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>scheme:id</Table.Th>
          <Table.Th w={90}>perms</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {acl.map((entry) => (
          <Table.Tr key={`${entry.scheme}:${entry.id}`} data-testid="acl-row">
            <Table.Td>
              <Code>
                {entry.scheme}:{entry.id}
              </Code>
            </Table.Td>
            <Table.Td ff="monospace">{permissionLetters(entry.perms)}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
