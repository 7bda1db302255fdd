"use client";

/**
 * The tokens table (one user's, or the admin's own when no user is chosen): kind, scope, lifetime,
 * revoke; and the create form, which shows the new token once: the server keeps only its hash.
 */
import { Alert, Badge, Button, Card, Group, Loader, Table, Text, TextInput, Title } from "@mantine/core";
import { modals } from "@mantine/modals";
import { IconKeyOff, IconPlus } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatClockTime } from "../../lib/format";
import { describeError } from "../../lib/keel-error";
import { useTRPC, useTRPCClient } from "../../trpc/providers";
import { CreateTokenModal } from "./create-token-modal";
import { permsText } from "./token-scope";
import { useAuthAction } from "./use-auth-mutation";

const dateTime = (ms: number) => `${new Date(ms).toLocaleDateString()} ${formatClockTime(ms)}`;

export function TokensCard() {
  const trpc = useTRPC();
  const [userFilter, setUserFilter] = useState("");
  const user = userFilter.trim();
  const tokens = useQuery(trpc.auth.tokens.list.queryOptions(user === "" ? {} : { user }));
  const [creating, setCreating] = useState(false);
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="sm" align="flex-end">
        <Title order={4}>Tokens</Title>
        <Group gap="sm" align="flex-end">
          <TextInput
            size="xs"
            label="User"
            placeholder="everyone"
            value={userFilter}
            onChange={(event) => setUserFilter(event.currentTarget.value)}
            data-testid="tokens-user-filter"
          />
          <Button
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => setCreating(true)}
            data-testid="create-token-button"
          >
            Create token
          </Button>
        </Group>
      </Group>
      {tokens.isPending ? (
        <Loader size="sm" />
      ) : tokens.error ? (
        <Alert color="red" title="Could not list tokens">
          {describeError(tokens.error)}
        </Alert>
      ) : tokens.data.tokens.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="tokens-empty">
          No tokens.
        </Text>
      ) : (
        <Table striped verticalSpacing={4} data-testid="tokens-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Token id</Table.Th>
              <Table.Th>User</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Scope</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tokens.data.tokens.map((token) => (
              <TokenRow key={token.tokenId} token={token} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      <CreateTokenModal opened={creating} onClose={() => setCreating(false)} />
    </Card>
  );
}

interface TokenRowView {
  readonly tokenId: string;
  readonly user: string;
  readonly kind: string;
  readonly scope: { readonly paths: readonly string[]; readonly perms: number };
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly description?: string | null;
}

function TokenRow({ token }: { token: TokenRowView }) {
  const client = useTRPCClient();
  const { pending, run } = useAuthAction();
  const revoke = () =>
    modals.openConfirmModal({
      title: `Revoke token ${token.tokenId}?`,
      centered: true,
      children: (
        <Text size="sm">
          Whatever uses it ({token.kind === "console" ? "a console login" : "an API client"} of {token.user}) is refused
          from its next call on.
        </Text>
      ),
      labels: { confirm: "Revoke", cancel: "Cancel" },
      confirmProps: { color: "red", "data-testid": "revoke-token-confirm" } as Record<string, string>,
      onConfirm: () =>
        void run(
          `Revoke ${token.tokenId}`,
          () => client.auth.tokens.revoke.mutate({ tokenId: token.tokenId }),
          () => "revoked",
        ),
    });
  return (
    <Table.Tr data-testid="token-row" data-token-id={token.tokenId} data-user={token.user}>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {token.tokenId}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{token.user}</Text>
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color={token.kind === "console" ? "gray" : "blue"}>
          {token.kind}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {permsText(token.scope.perms)} {token.scope.paths.join(" ")}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{dateTime(token.createdAtMs)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{dateTime(token.expiresAtMs)}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{token.description ?? ""}</Text>
      </Table.Td>
      <Table.Td>
        <Button
          size="compact-xs"
          color="red"
          variant="light"
          leftSection={<IconKeyOff size={14} />}
          loading={pending}
          onClick={revoke}
          data-testid="revoke-token-button"
        >
          Revoke
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}
