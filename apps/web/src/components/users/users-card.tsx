"use client";

/** The users table: role changes in place, password resets and removals behind a confirmation, and the add form. */
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { modals } from "@mantine/modals";
import { IconKey, IconTrash, IconUserPlus } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { formatClockTime } from "../../lib/format";
import { describeError } from "../../lib/keel-error";
import type { Role } from "../../lib/roles";
import { useAuth } from "../../trpc/auth-provider";
import { useTRPC, useTRPCClient } from "../../trpc/providers";
import { useAuthAction } from "./use-auth-mutation";

export const ROLE_CHOICES: { value: Role; label: string }[] = [
  { value: "viewer", label: "viewer (read only)" },
  { value: "operator", label: "operator" },
  { value: "admin", label: "admin" },
];

/** The server's rules (docs/security.md, "Principals"), checked here only to say so before sending. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const PASSWORD_CHARS_MIN = 8;

const isRole = (value: string | null): value is Role => value === "viewer" || value === "operator" || value === "admin";

export function UsersCard() {
  const trpc = useTRPC();
  const users = useQuery(trpc.auth.users.list.queryOptions({ limit: 1000 }));
  const [resetting, setResetting] = useState<string | undefined>(undefined);
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Users</Title>
        {users.data?.truncated && <Badge color="yellow">first 1000 shown</Badge>}
      </Group>
      <AddUserForm />
      {users.isPending ? (
        <Loader size="sm" mt="md" />
      ) : users.error ? (
        <Alert color="red" mt="md" title="Could not list users">
          {describeError(users.error)}
        </Alert>
      ) : (
        <Table mt="md" striped verticalSpacing={4} data-testid="users-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>User</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.data.users.map((user) => (
              <UserRow key={user.name} user={user} onResetPassword={() => setResetting(user.name)} />
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ResetPasswordModal name={resetting} onClose={() => setResetting(undefined)} />
    </Card>
  );
}

function UserRow({
  user,
  onResetPassword,
}: {
  user: { name: string; role: Role; createdAtMs: number };
  onResetPassword: () => void;
}) {
  const client = useTRPCClient();
  const { whoami } = useAuth();
  const { pending, run } = useAuthAction();
  const self = whoami?.user === user.name;
  const remove = () =>
    modals.openConfirmModal({
      title: `Remove user ${user.name}?`,
      centered: true,
      children: <Text size="sm">Their tokens are revoked too, and their console logins end.</Text>,
      labels: { confirm: "Remove", cancel: "Cancel" },
      confirmProps: { color: "red", "data-testid": "remove-user-confirm" } as Record<string, string>,
      onConfirm: () =>
        void run(
          `Remove ${user.name}`,
          () => client.auth.users.remove.mutate({ name: user.name }),
          () => "removed",
        ),
    });
  return (
    <Table.Tr data-testid="user-row" data-user={user.name} data-role={user.role}>
      <Table.Td>
        <Text size="sm" fw={600}>
          {user.name}
          {self && (
            <Text span c="dimmed" size="xs">
              {" "}
              (you)
            </Text>
          )}
        </Text>
      </Table.Td>
      <Table.Td>
        <Select
          size="xs"
          w={180}
          data={ROLE_CHOICES}
          value={user.role}
          allowDeselect={false}
          disabled={pending}
          onChange={(role) => {
            if (isRole(role) && role !== user.role)
              void run(
                `Role of ${user.name}`,
                () => client.auth.users.setRole.mutate({ name: user.name, role }),
                (result) => `now ${result.role}`,
              );
          }}
          data-testid="user-role-select"
        />
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {new Date(user.createdAtMs).toLocaleDateString()} {formatClockTime(user.createdAtMs)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={6} justify="flex-end">
          <Button
            size="compact-xs"
            variant="default"
            leftSection={<IconKey size={14} />}
            onClick={onResetPassword}
            data-testid="reset-password-button"
          >
            Reset password
          </Button>
          <Button
            size="compact-xs"
            color="red"
            variant="light"
            leftSection={<IconTrash size={14} />}
            onClick={remove}
            loading={pending}
            data-testid="remove-user-button"
          >
            Remove
          </Button>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

function AddUserForm() {
  const client = useTRPCClient();
  const { pending, run } = useAuthAction();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const nameError = name !== "" && !USER_NAME.test(name) ? "letters, digits, . _ - (64 at most)" : undefined;
  const passwordError =
    password !== "" && password.length < PASSWORD_CHARS_MIN ? `at least ${PASSWORD_CHARS_MIN} characters` : undefined;
  const ready = name !== "" && password !== "" && nameError === undefined && passwordError === undefined;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!ready) return;
    const added = await run(
      `Add ${name}`,
      () => client.auth.users.add.mutate({ name, password, role }),
      (result) => `${result.name} added as ${result.role}`,
    );
    if (added !== undefined) {
      setName("");
      setPassword("");
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} data-testid="add-user-form">
      <Group align="flex-start" gap="sm">
        <TextInput
          label="New user"
          placeholder="alice"
          value={name}
          error={nameError}
          onChange={(event) => setName(event.currentTarget.value.trim())}
          data-testid="add-user-name"
        />
        <PasswordInput
          label="Password"
          autoComplete="new-password"
          value={password}
          error={passwordError}
          onChange={(event) => setPassword(event.currentTarget.value)}
          w={220}
          data-testid="add-user-password"
        />
        <Select
          label="Role"
          data={ROLE_CHOICES}
          value={role}
          allowDeselect={false}
          onChange={(value) => isRole(value) && setRole(value)}
          w={180}
          data-testid="add-user-role"
        />
        <Button
          type="submit"
          mt={25}
          leftSection={<IconUserPlus size={16} />}
          disabled={!ready}
          loading={pending}
          data-testid="add-user-submit"
        >
          Add user
        </Button>
      </Group>
    </form>
  );
}

function ResetPasswordModal({ name, onClose }: { name: string | undefined; onClose: () => void }) {
  const client = useTRPCClient();
  const { pending, run } = useAuthAction();
  const [password, setPassword] = useState("");
  const tooShort = password.length < PASSWORD_CHARS_MIN;
  const close = () => {
    setPassword("");
    onClose();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name === undefined || tooShort) return;
    const done = await run(
      `Password of ${name}`,
      () => client.auth.users.setPassword.mutate({ name, password }),
      () => "changed",
    );
    if (done !== undefined) close();
  };
  return (
    <Modal opened={name !== undefined} onClose={close} title={`New password for ${name ?? ""}`} centered>
      <form onSubmit={(event) => void submit(event)}>
        <Stack gap="sm">
          <PasswordInput
            label="Password"
            autoComplete="new-password"
            data-autofocus
            value={password}
            error={password !== "" && tooShort ? `at least ${PASSWORD_CHARS_MIN} characters` : undefined}
            onChange={(event) => setPassword(event.currentTarget.value)}
            data-testid="reset-password-input"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" disabled={tooShort} loading={pending} data-testid="reset-password-confirm">
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
