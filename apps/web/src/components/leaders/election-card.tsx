"use client";

/**
 * One election: the current leader (who, which session, its term), the candidates next in line in
 * order, and the recent leadership changes replayed from the audit feed.
 */
import { ELECTIONS_ROOT, electionView } from "@keel/core";
import { Alert, Badge, Card, Divider, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconCrown } from "@tabler/icons-react";
import { formatAge, formatClockTime } from "../../lib/format";
import { useNow } from "../../lib/use-now";
import { WaiterTable } from "../locks/contender-tables";
import { ForceReleaseButton } from "../locks/force-release-button";
import { grantedAtMs, isLeadershipChange } from "../locks/hand-off-display";
import { HandOffTable } from "../locks/hand-off-table";
import { SessionIdText, ZxidText } from "../locks/id-text";
import { contenderOrigin, contenderTitle, lockDisplay } from "../locks/queue-display";
import { useRecipeInstance } from "../locks/recipe-queries";
import { useHandOffHistory } from "../locks/use-hand-off-history";

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      {children}
    </Stack>
  );
}

export function ElectionCard({ name }: { name: string }) {
  const dir = `${ELECTIONS_ROOT}/${name}`;
  const instance = useRecipeInstance(ELECTIONS_ROOT, name);
  const history = useHandOffHistory(dir, "election", undefined);
  const nowMs = useNow(1000);
  const view = electionView(name, instance.data ?? []);
  // An election queues exactly like a lock (the lowest candidate leads, each waits for the one
  // ahead), so the lock's table shapes serve it.
  const display = lockDisplay({ name, holder: view.leader, waiters: view.waiters });
  const leader = display.holders[0];
  const changes = history.handOffs.filter((handOff) => isLeadershipChange(handOff.kind));
  const leaderSinceMs =
    leader === undefined ? undefined : (grantedAtMs(history.handOffs, leader.node) ?? leader.sinceMs);

  return (
    <Card withBorder padding="md" radius="md" data-testid="election-card" data-election-name={name}>
      <Group justify="space-between" mb="sm">
        <Group gap="sm">
          <IconCrown size={20} />
          <Title order={4} ff="monospace">
            {name}
          </Title>
          <Badge variant="light" color={leader === undefined ? "red" : "teal"}>
            {leader === undefined ? "no leader" : "leader elected"}
          </Badge>
          <Badge variant="light" color="gray">
            {view.candidates.length} candidate{view.candidates.length === 1 ? "" : "s"}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed" ff="monospace">
          {dir}
        </Text>
      </Group>
      {instance.error ? (
        <Alert color="red" variant="light" mb="xs" title="Could not read the candidates">
          {instance.error.message}
        </Alert>
      ) : null}
      {leader === undefined || view.leader === undefined ? (
        <Paper withBorder p="md" radius="md" bg="var(--mantine-color-red-light)">
          <Text size="sm">{instance.isPending ? "Reading…" : "No leader: nobody is campaigning."}</Text>
        </Paper>
      ) : (
        <Paper
          withBorder
          p="md"
          radius="md"
          bg="var(--mantine-color-teal-light)"
          data-testid="election-leader"
          data-session-id={leader.sessionId}
          data-node={leader.node}
        >
          <Group justify="space-between" align="flex-start">
            <Stack gap={0}>
              <Group gap={6}>
                <IconCrown size={18} color="var(--mantine-color-yellow-6)" />
                <Text fw={700} size="lg">
                  {contenderTitle(leader)}
                </Text>
              </Group>
              {leader.label !== undefined && leader.clientId !== undefined ? (
                <Text size="xs" c="dimmed" ff="monospace">
                  client {leader.clientId}
                </Text>
              ) : null}
            </Stack>
            <ForceReleaseButton
              label="Depose"
              target={{ node: leader.node, what: `leadership of ${name}`, holder: contenderTitle(leader) }}
            />
          </Group>
          <SimpleGrid cols={{ base: 2, md: 5 }} mt="sm" spacing="md">
            <Field label="Term">
              <ZxidText zxid={view.leader.term} />
            </Field>
            <Field label="Session">
              <SessionIdText sessionId={leader.sessionId} />
            </Field>
            <Field label="Host">
              <Text size="sm">{contenderOrigin(leader)}</Text>
            </Field>
            <Field label="Leading since">
              <Text size="sm">
                {leaderSinceMs === undefined
                  ? "–"
                  : `${formatAge(leaderSinceMs, nowMs)} (${formatClockTime(leaderSinceMs)})`}
              </Text>
            </Field>
            <Field label="Node">
              <Text size="sm" ff="monospace">
                {leader.name}
              </Text>
            </Field>
          </SimpleGrid>
        </Paper>
      )}
      <Stack gap="xs" mt="sm">
        <Text size="xs" tt="uppercase" fw={700} c="dimmed">
          Next in line
        </Text>
        {display.waiters.length === 0 ? (
          <Text size="sm" c="dimmed">
            No other candidate: if the leader goes, the election has no leader until someone campaigns.
          </Text>
        ) : (
          <WaiterTable rows={display.waiters} nowMs={nowMs} testId="election-candidate" />
        )}
        <Divider />
        <Text size="xs" tt="uppercase" fw={700} c="dimmed">
          Recent leadership changes
        </Text>
        <HandOffTable
          error={history.error}
          handOffs={changes}
          vocabulary="election"
          testId="leader-change-row"
          emptyText="No leadership changes in the retained audit history."
        />
      </Stack>
    </Card>
  );
}
