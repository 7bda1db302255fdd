"use client";

/** Search by content: node.find under the current node by name prefix and/or data substring. */
import { Alert, Badge, Button, Group, ScrollArea, Stack, Text, TextInput, UnstyledButton } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { keelCodeOf, messageOf } from "../../lib/keel-error";
import { useTRPC } from "../../trpc/providers";

export function FindPanel({ under, onOpen }: { under: string; onOpen: (path: string) => void }) {
  const trpc = useTRPC();
  const [namePrefix, setNamePrefix] = useState("");
  const [contains, setContains] = useState("");
  const [asked, setAsked] = useState<{ path: string; namePrefix?: string; contains?: string } | undefined>(undefined);
  const find = useQuery({
    ...trpc.node.find.queryOptions(asked ?? { path: "/" }),
    enabled: asked !== undefined,
    staleTime: 0,
  });

  const submit = () => {
    const input: { path: string; namePrefix?: string; contains?: string } = { path: under };
    if (namePrefix.length > 0) input.namePrefix = namePrefix;
    if (contains.length > 0) input.contains = contains;
    setAsked(input);
  };

  return (
    <Stack gap={6}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Group gap={6} wrap="nowrap" align="flex-end">
          <TextInput
            size="xs"
            placeholder="name starts with"
            value={namePrefix}
            onChange={(e) => setNamePrefix(e.currentTarget.value)}
            data-testid="find-name"
            style={{ flex: 1 }}
          />
          <TextInput
            size="xs"
            placeholder="data contains"
            value={contains}
            onChange={(e) => setContains(e.currentTarget.value)}
            data-testid="find-contains"
            style={{ flex: 1 }}
          />
          <Button
            size="xs"
            type="submit"
            leftSection={<IconSearch size={14} />}
            disabled={namePrefix.length === 0 && contains.length === 0}
            data-testid="find-run"
          >
            Find
          </Button>
        </Group>
      </form>
      <Text size="xs" c="dimmed">
        searches under <b>{asked?.path ?? under}</b>
      </Text>
      {find.isError ? (
        <Alert color="red" variant="light" p="xs" data-testid="find-error">
          {keelCodeOf(find.error) ?? "error"}: {messageOf(find.error)}
        </Alert>
      ) : null}
      {find.data !== undefined ? (
        <>
          <Group gap={6}>
            <Badge variant="light" size="sm">
              {find.data.matches.length} matches
            </Badge>
            <Text size="xs" c="dimmed">
              {find.data.scanned} nodes scanned{find.data.truncated ? " · stopped at the bound, narrow the search" : ""}
            </Text>
          </Group>
          <ScrollArea.Autosize mah={180}>
            {find.data.matches.map((match) => (
              <UnstyledButton
                key={match.path}
                onClick={() => onOpen(match.path)}
                data-testid="find-result"
                data-path={match.path}
                w="100%"
                px={4}
                py={2}
              >
                <Text size="xs" ff="monospace" truncate>
                  {match.path}
                </Text>
              </UnstyledButton>
            ))}
          </ScrollArea.Autosize>
        </>
      ) : null}
    </Stack>
  );
}
