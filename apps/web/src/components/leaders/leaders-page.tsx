"use client";

/** The Leaders page: every election the SDK runs under /keel/elections, live. */
import { ELECTIONS_ROOT } from "@keel/core";
import { Alert, Badge, Code, Group, Stack, Text, Title } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { useRecipeNames, useRecipeRootWatch } from "../locks/recipe-queries";
import { ElectionCard } from "./election-card";

export function LeadersPage() {
  const watch = useRecipeRootWatch(ELECTIONS_ROOT);
  const names = useRecipeNames(ELECTIONS_ROOT);
  const list = names.data ?? [];
  return (
    <Stack gap="lg">
      <Stack gap={2}>
        <Group gap="xs">
          <Title order={2}>Leaders</Title>
          <Badge variant="default">{list.length}</Badge>
          <Text size="xs" c="dimmed" ff="monospace">
            {ELECTIONS_ROOT}
          </Text>
        </Group>
        <Text size="sm" c="dimmed">
          Every election: who leads, under which term (fencing token), who is next, and how leadership moved. Live.
        </Text>
      </Stack>
      {watch.error !== undefined || names.error !== null ? (
        <Alert color="yellow" variant="light" title={`Live updates of ${ELECTIONS_ROOT} interrupted, reconnecting`}>
          {watch.error ?? names.error?.message}
        </Alert>
      ) : null}
      {names.isSuccess && list.length === 0 ? (
        <Alert variant="light" color="blue" icon={<IconInfoCircle />} title="No elections yet">
          An election appears here when a client campaigns, for example{" "}
          <Code>await keel.election(&quot;scheduler&quot;).campaign()</Code> with the SDK.
        </Alert>
      ) : null}
      {list.map((name) => (
        <ElectionCard key={name} name={name} />
      ))}
    </Stack>
  );
}
