"use client";

/**
 * The cluster page: every member's live status (its own `cluster.events` stream, via
 * useMembers()), the cluster's summary, elections as they happen, and the leader timeline.
 */
import { Alert, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconPlugConnectedX } from "@tabler/icons-react";
import { useEffect, useMemo, useState } from "react";
import { useNow } from "../../lib/use-now";
import { useMembers } from "../../trpc/providers";
import { clusterSummary, memberRows } from "./cluster-model";
import { ClusterSummaryStrip } from "./cluster-summary-strip";
import { type LeaderTimelineEntry, mergeLeaderTimeline } from "./leader-timeline";
import { LeaderTimelineCard } from "./leader-timeline-card";
import { MemberTable } from "./member-table";

export function ClusterPage() {
  const members = useMembers();
  const nowMs = useNow(1000);
  const rows = useMemo(() => memberRows(members), [members]);
  const summary = useMemo(() => clusterSummary(members), [members]);
  const [timeline, setTimeline] = useState<readonly LeaderTimelineEntry[]>([]);
  useEffect(() => {
    const statuses = members.flatMap((member) => (member.status === null ? [] : [member.status]));
    setTimeline((previous) => mergeLeaderTimeline(previous, statuses));
  }, [members]);

  const neverSeen = members.every((member) => member.status === null);
  const looking = rows.filter((row) => row.up && row.role === "looking").map((row) => row.serverId);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Cluster</Title>
          <Text c="dimmed" size="sm">
            Every member's own live status; a member that stops reporting turns red within about a second.
          </Text>
        </div>
      </Group>
      {members.length > 0 && neverSeen && (
        <Alert color="gray" icon={<Loader size={16} />} title="Connecting" data-testid="cluster-connecting">
          Waiting for the first status from {members.length} member{members.length === 1 ? "" : "s"}…
        </Alert>
      )}
      {!neverSeen && summary.membersUp === 0 && (
        <Alert color="red" icon={<IconPlugConnectedX size={18} />} title="No member reachable">
          None of the configured members is answering. Check that the servers are running.
        </Alert>
      )}
      {summary.electionInProgress && (
        <Alert
          color="yellow"
          variant="filled"
          icon={<IconAlertTriangle size={18} />}
          title="Election in progress"
          data-testid="election-banner"
        >
          {looking.length > 0
            ? `Looking for a leader: ${looking.map((id) => `server ${id}`).join(", ")}.`
            : "No member that is up currently leads."}{" "}
          Writes wait until a quorum elects a leader.
        </Alert>
      )}
      <ClusterSummaryStrip summary={summary} />
      <MemberTable rows={rows} nowMs={nowMs} />
      <LeaderTimelineCard
        entries={timeline}
        currentLeaderId={summary.leaderId}
        currentEpoch={summary.epoch}
        nowMs={nowMs}
      />
    </Stack>
  );
}
