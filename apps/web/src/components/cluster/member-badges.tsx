/**
 * The cluster page's badges: a member's role, its state, and its health. A badge would rather
 * truncate than wrap; in a table that gives "FOLLO…", so each keeps its full width.
 */
import { Badge, Text, Tooltip } from "@mantine/core";
import { IconAlertTriangle, IconCheck, IconCrown, IconEye, IconSearch, IconUser } from "@tabler/icons-react";
import { formatAge } from "../../lib/format";
import type { MemberRow } from "./cluster-model";

const FULL_WIDTH = { minWidth: "max-content" } as const;

const ROLE_LOOK: Record<string, { color: string; variant: "filled" | "light" | "outline"; icon: typeof IconCrown }> = {
  leading: { color: "indigo", variant: "filled", icon: IconCrown },
  following: { color: "gray", variant: "light", icon: IconUser },
  observing: { color: "grape", variant: "light", icon: IconEye },
  looking: { color: "yellow", variant: "light", icon: IconSearch },
};

export function RoleBadge({ row }: { row: MemberRow }) {
  if (!row.up) {
    return (
      <Text size="sm" c="dimmed" fs="italic">
        {row.lastRole === null ? "never seen" : `was ${row.lastRole}`}
      </Text>
    );
  }
  const look = ROLE_LOOK[row.role] ?? { color: "gray", variant: "outline", icon: IconUser };
  const Icon = look.icon;
  return (
    <Badge color={look.color} variant={look.variant} leftSection={<Icon size={12} />} style={FULL_WIDTH}>
      {row.role}
    </Badge>
  );
}

const STATE_COLOR: Record<MemberRow["state"], string> = {
  serving: "teal",
  syncing: "blue",
  looking: "yellow",
  down: "red",
};

export function StateBadge({ row, nowMs }: { row: MemberRow; nowMs: number }) {
  if (row.state === "down") {
    const since = row.lastSeenMs === null ? "never seen" : `last seen ${formatAge(row.lastSeenMs, nowMs)}`;
    return (
      <Tooltip label={row.error ?? "no status"} withArrow>
        <Badge color="red" variant="filled" data-testid="member-down" style={FULL_WIDTH}>
          down · {since}
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Badge color={STATE_COLOR[row.state]} variant="light" style={FULL_WIDTH}>
      {row.state}
    </Badge>
  );
}

export function HealthBadge({ row }: { row: MemberRow }) {
  if (!row.up || row.status === null) return <Text c="dimmed">–</Text>;
  return row.status.ready ? (
    <Badge color="teal" variant="outline" leftSection={<IconCheck size={12} />} style={FULL_WIDTH}>
      ready
    </Badge>
  ) : (
    <Badge color="orange" variant="outline" leftSection={<IconAlertTriangle size={12} />} style={FULL_WIDTH}>
      not ready
    </Badge>
  );
}
