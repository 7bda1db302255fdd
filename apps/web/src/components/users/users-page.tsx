"use client";

/**
 * Users & tokens (admins): the users with their roles (add, remove, change role, reset password)
 * and the tokens (list, revoke, create one and show it once). Everything goes to the primary
 * member; users and tokens live in the replicated tree, so any member serves them.
 */
import { Alert, Stack, Text, Title } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { useRoleAllows } from "../../trpc/auth-provider";
import { TokensCard } from "./tokens-card";
import { UsersCard } from "./users-card";

export function UsersPage() {
  const allowed = useRoleAllows("admin");
  if (!allowed)
    return (
      <Alert color="orange" icon={<IconLock size={18} />} title="Needs admin" data-testid="users-needs-role">
        Users and tokens are managed by admins.
      </Alert>
    );
  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>Users &amp; tokens</Title>
        <Text c="dimmed" size="sm">
          Who may use the ensemble, with which role, and the API tokens that act for them.
        </Text>
      </div>
      <UsersCard />
      <TokensCard />
    </Stack>
  );
}
