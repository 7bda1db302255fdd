"use client";

/**
 * One lock, read/write lock or semaphore: who holds it (with force-release), who waits in order
 * and for what, and the hand-off history. The queue is re-read on every change under the recipe
 * root (recipe-queries.ts), the history follows the audit feed.
 */
import {
  LOCKS_ROOT,
  lockView,
  type QueueRecipe,
  type RecipeChild,
  RWLOCKS_ROOT,
  readWriteLockView,
  SEMAPHORES_ROOT,
  semaphoreView,
} from "@keel/core";
import { Alert, Badge, Card, Divider, Group, NumberInput, Stack, Text, Title } from "@mantine/core";
import { IconLock, IconLockOpen2, IconStack2, IconTrafficLights } from "@tabler/icons-react";
import { useState } from "react";
import { useNow } from "../../lib/use-now";
import { HolderTable, WaiterTable } from "./contender-tables";
import { ForceReleaseButton } from "./force-release-button";
import { grantedAtMs } from "./hand-off-display";
import { HandOffTable } from "./hand-off-table";
import {
  contenderTitle,
  lockDisplay,
  type QueueDisplay,
  type QueueKind,
  readWriteLockDisplay,
  semaphoreDisplay,
} from "./queue-display";
import { useRecipeInstance } from "./recipe-queries";
import { useHandOffHistory } from "./use-hand-off-history";

export const QUEUE_KINDS: Readonly<
  Record<QueueKind, { root: string; recipe: QueueRecipe; title: string; noun: string; icon: typeof IconLock }>
> = {
  lock: { root: LOCKS_ROOT, recipe: "lock", title: "Locks", noun: "lock", icon: IconLock },
  rwlock: { root: RWLOCKS_ROOT, recipe: "rwlock", title: "Read/write locks", noun: "rw-lock", icon: IconStack2 },
  semaphore: {
    root: SEMAPHORES_ROOT,
    recipe: "semaphore",
    title: "Semaphores",
    noun: "semaphore",
    icon: IconTrafficLights,
  },
};

export function displayOf(
  kind: QueueKind,
  name: string,
  children: readonly RecipeChild[],
  permits: number | undefined,
) {
  switch (kind) {
    case "lock":
      return lockDisplay(lockView(name, children));
    case "rwlock":
      return readWriteLockDisplay(readWriteLockView(name, children));
    case "semaphore":
      return semaphoreDisplay(semaphoreView(name, permits, children));
  }
}

function StateBadge({ display }: { display: QueueDisplay }) {
  if (display.holders.length === 0) {
    return (
      <Badge color="gray" variant="light" leftSection={<IconLockOpen2 size={12} />} data-testid="lock-state">
        free
      </Badge>
    );
  }
  const readers = display.holders.filter((holder) => holder.mode === "read").length;
  const text =
    display.kind === "rwlock"
      ? readers > 0
        ? `${readers} reader${readers === 1 ? "" : "s"}`
        : "write-locked"
      : display.kind === "semaphore"
        ? display.permits === undefined
          ? "held (permits unknown)"
          : `${display.holders.length} of ${display.permits.count} permits held`
        : "held";
  return (
    <Badge color="teal" variant="light" leftSection={<IconLock size={12} />} data-testid="lock-state">
      {text}
    </Badge>
  );
}

export function QueueCard({ kind, name }: { kind: QueueKind; name: string }) {
  const spec = QUEUE_KINDS[kind];
  const dir = `${spec.root}/${name}`;
  const [permits, setPermits] = useState<number | undefined>(undefined);
  const instance = useRecipeInstance(spec.root, name);
  const nowMs = useNow(1000);
  const display = displayOf(kind, name, instance.data ?? [], permits);
  const permitsKnown = display.permits?.count;
  const history = useHandOffHistory(dir, spec.recipe, permitsKnown);
  const undecided = kind === "semaphore" && permitsKnown === undefined;
  const waiting = display.waiters.length;

  return (
    <Card withBorder padding="md" radius="md" data-testid="lock-card" data-lock-name={name} data-lock-kind={kind}>
      <Group justify="space-between" align="flex-start" mb="xs">
        <Group gap="sm">
          <spec.icon size={20} />
          <Title order={4} ff="monospace">
            {name}
          </Title>
          <Badge variant="outline" color="gray" size="sm">
            {spec.noun}
          </Badge>
          <StateBadge display={display} />
          <Badge variant="light" color={waiting > 0 ? "yellow" : "gray"} data-testid="lock-queue-length">
            {waiting === 0 ? "no one waiting" : `${waiting} ${undecided ? "queued" : "waiting"}`}
          </Badge>
        </Group>
        <Group gap="xs">
          {kind === "semaphore" && display.permits?.from === "node" ? (
            <Badge variant="outline" color="gray" data-testid="semaphore-permits">
              {display.permits.count} permits
            </Badge>
          ) : null}
          {kind === "semaphore" && display.permits?.from !== "node" ? (
            <NumberInput
              size="xs"
              w={150}
              min={1}
              placeholder="permits (unknown)"
              description="Not recorded: enter the clients' count"
              value={permits ?? ""}
              onChange={(value) => setPermits(typeof value === "number" && value >= 1 ? value : undefined)}
            />
          ) : null}
          <Text size="xs" c="dimmed" ff="monospace">
            {dir}
          </Text>
        </Group>
      </Group>
      {instance.error ? (
        <Alert color="red" variant="light" mb="xs" title="Could not read the queue">
          {instance.error.message}
        </Alert>
      ) : null}
      <Stack gap="xs">
        <Text size="xs" tt="uppercase" fw={700} c="dimmed">
          {undecided ? "Holding (at least)" : display.holders.length > 1 ? "Holders" : "Holder"}
        </Text>
        {display.holders.length === 0 ? (
          <Text size="sm" c="dimmed">
            {instance.isPending ? "Reading…" : "Free: nobody holds it."}
          </Text>
        ) : (
          <HolderTable
            rows={display.holders}
            nowMs={nowMs}
            tokenLabel="Fencing token"
            sinceOf={(row) => grantedAtMs(history.handOffs, row.node) ?? row.sinceMs}
            action={(row) => (
              <ForceReleaseButton
                target={{ node: row.node, what: `${spec.noun} ${name}`, holder: contenderTitle(row) }}
              />
            )}
          />
        )}
        <Text size="xs" tt="uppercase" fw={700} c="dimmed">
          {undecided ? "Queue (holding or waiting)" : "Waiting queue"}
        </Text>
        {waiting === 0 ? (
          <Text size="sm" c="dimmed">
            No one is waiting.
          </Text>
        ) : (
          <WaiterTable rows={display.waiters} nowMs={nowMs} testId="lock-waiter" />
        )}
        <Divider />
        <Text size="xs" tt="uppercase" fw={700} c="dimmed">
          Hand-off history
        </Text>
        <HandOffTable
          error={history.error}
          handOffs={history.handOffs}
          vocabulary="lock"
          testId="handoff-row"
          emptyText="No hand-offs in the retained audit history."
        />
      </Stack>
    </Card>
  );
}
