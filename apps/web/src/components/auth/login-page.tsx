"use client";

/**
 * /login: user and password, sent to `auth.login` on one member of every host (trpc/auth-api.ts).
 * The error says what the server's keelCode means (lib/login-error.ts), never more: a wrong user
 * and a wrong password read the same. On success the console goes where it was sent from.
 */
import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { IconAlertTriangle, IconLogin } from "@tabler/icons-react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useState } from "react";
import { loginErrorText } from "../../lib/login-error";
import { safeNextPath } from "../../lib/safe-next-path";
import { useAuth } from "../../trpc/auth-provider";
import { BRAND_ICON } from "../shell/nav-items";

export function LoginPage() {
  const { login, whoami } = useAuth();
  const router = useRouter();
  const next = safeNextPath(useSearchParams().get("next"));
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      await login(user.trim(), password);
      setPassword("");
      router.replace(next);
    } catch (failure) {
      setError(loginErrorText(failure));
    } finally {
      setPending(false);
    }
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={380}>
        <form onSubmit={(event) => void submit(event)}>
          <Stack gap="md">
            <Group gap="xs">
              <BRAND_ICON size={24} />
              <Title order={3}>Keel console</Title>
            </Group>
            <Text size="sm" c="dimmed">
              Log in to the ensemble.
            </Text>
            <TextInput
              label="User"
              autoComplete="username"
              required
              value={user}
              onChange={(event) => setUser(event.currentTarget.value)}
              data-testid="login-user"
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              data-testid="login-password"
            />
            {error !== undefined && (
              <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="login-error">
                {error}
              </Alert>
            )}
            <Button
              type="submit"
              leftSection={<IconLogin size={16} />}
              loading={pending}
              disabled={user.trim() === "" || password === ""}
              data-testid="login-submit"
            >
              Log in
            </Button>
            {whoami !== undefined && !whoami.authRequired && (
              <Anchor component={Link} href="/" size="sm" ta="center">
                continue without logging in
              </Anchor>
            )}
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
