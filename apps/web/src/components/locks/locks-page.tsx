"use client";

/**
 * The Locks page: every lock, read/write lock and semaphore the SDK keeps under /keel, grouped by
 * recipe, live (one persistent_recursive watch per recipe root).
 */
import { Alert, Badge, Code, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useQueries } from "@tanstack/react-query";
import { formatDuration } from "../../lib/format";
import { useNow } from "../../lib/use-now";
import { useTRPCClient } from "../../trpc/providers";
import { displayOf, QUEUE_KINDS, QueueCard } from "./queue-card";
import type { QueueKind } from "./queue-display";
import { summarizeQueues } from "./queue-summary";
import { recipeInstanceQuery, useRecipeNames, useRecipeRootWatch } from "./recipe-queries";

const KINDS: readonly QueueKind[] = ["lock", "rwlock", "semaphore"];

function KindSection({ kind }: { kind: QueueKind }) {
  const spec = QUEUE_KINDS[kind];
  const watch = useRecipeRootWatch(spec.root);
  const names = useRecipeNames(spec.root);
  const list = names.data ?? [];
  if (list.length === 0 && watch.error === undefined && names.error === null) return null;
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Title order={3}>{spec.title}</Title>
        <Badge variant="default">{list.length}</Badge>
        <Text size="xs" c="dimmed" ff="monospace">
          {spec.root}
        </Text>
      </Group>
      {watch.error !== undefined || names.error !== null ? (
        <Alert color="yellow" variant="light" title={`Live updates of ${spec.root} interrupted, reconnecting`}>
          {watch.error ?? names.error?.message}
        </Alert>
      ) : null}
      {list.map((name) => (
        <QueueCard key={name} kind={kind} name={name} />
      ))}
    </Stack>
  );
}

function EmptyHint() {
  return (
    <Alert variant="light" color="blue" icon={<IconInfoCircle />} title="No locks, read/write locks or semaphores yet">
      They appear here the moment a client takes one, for example{" "}
      <Code>await keel.lock(&quot;orders&quot;).acquire()</Code> with the SDK. The SDK keeps them under{" "}
      <Code>/keel/locks</Code>, <Code>/keel/rwlocks</Code> and <Code>/keel/semaphores</Code>.
    </Alert>
  );
}

function useAnyInstances(): boolean | undefined {
  const locks = useRecipeNames(QUEUE_KINDS.lock.root);
  const rwlocks = useRecipeNames(QUEUE_KINDS.rwlock.root);
  const semaphores = useRecipeNames(QUEUE_KINDS.semaphore.root);
  const all = [locks, rwlocks, semaphores];
  if (all.some((query) => query.isPending)) return undefined;
  return all.some((query) => (query.data ?? []).length > 0);
}

/** Every instance's queue, read from the same cache entries the cards use (no extra reads). */
function useQueueSummary() {
  const client = useTRPCClient();
  const names = {
    lock: useRecipeNames(QUEUE_KINDS.lock.root).data ?? [],
    rwlock: useRecipeNames(QUEUE_KINDS.rwlock.root).data ?? [],
    semaphore: useRecipeNames(QUEUE_KINDS.semaphore.root).data ?? [],
  };
  const instances = KINDS.flatMap((kind) => names[kind].map((name) => ({ kind, name })));
  const results = useQueries({
    queries: instances.map(({ kind, name }) => recipeInstanceQuery(client, QUEUE_KINDS[kind].root, name)),
  });
  return summarizeQueues(
    instances.map(({ kind, name }, index) => displayOf(kind, name, results[index]?.data ?? [], undefined)),
  );
}

function Stat({ label, value, detail, testId }: { label: string; value: string; detail: string; testId: string }) {
  return (
    <Paper withBorder radius="md" p="sm" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
      <Text size="xs" c="dimmed" truncate>
        {detail}
      </Text>
    </Paper>
  );
}

function SummaryStrip() {
  const summary = useQueueSummary();
  const nowMs = useNow(1000);
  const longest = summary.longestWait;
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
      <Stat
        label="Instances"
        value={String(summary.instances)}
        detail="locks, rw-locks and semaphores"
        testId="locks-summary-instances"
      />
      <Stat
        label="Held"
        value={`${summary.held} of ${summary.instances}`}
        detail={`${summary.holders} holder${summary.holders === 1 ? "" : "s"} in all`}
        testId="locks-summary-held"
      />
      <Stat
        label="Clients waiting"
        value={String(summary.waiting)}
        detail={summary.waiting === 0 ? "nobody is blocked" : "queued behind a holder"}
        testId="locks-summary-waiting"
      />
      <Stat
        label="Longest wait"
        value={longest === undefined ? "–" : formatDuration(Math.max(0, nowMs - longest.sinceMs))}
        detail={longest === undefined ? "no one waiting" : `${QUEUE_KINDS[longest.kind].noun} ${longest.name}`}
        testId="locks-summary-longest-wait"
      />
    </SimpleGrid>
  );
}

export function LocksPage() {
  const any = useAnyInstances();
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Stack gap={2}>
          <Title order={2}>Locks</Title>
          <Text size="sm" c="dimmed">
            Who holds each lock, who waits in what order and for whom, and how it changed hands. Live.
          </Text>
        </Stack>
      </Group>
      {any === false ? <EmptyHint /> : <SummaryStrip />}
      {KINDS.map((kind) => (
        <KindSection key={kind} kind={kind} />
      ))}
    </Stack>
  );
}
