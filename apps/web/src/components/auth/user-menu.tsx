"use client";

/**
 * The header's corner: who the console acts as and a logout button, or a "log in" link when the
 * ensemble lets anonymous callers in. Nothing when the members have no auth API.
 */
import { Anchor, Badge, Button, Group, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLogout } from "@tabler/icons-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { describeError } from "../../lib/keel-error";
import { useAuth } from "../../trpc/auth-provider";

const ROLE_COLOR = { viewer: "gray", operator: "blue", admin: "grape" } as const;

export function UserMenu() {
  const { whoami, logout, unreachableHosts } = useAuth();
  const router = useRouter();
  const [leaving, setLeaving] = useState(false);
  if (whoami === undefined) return null;
  if (whoami.user === null || whoami.role === "anonymous")
    return (
      <Anchor component={Link} href="/login" size="sm" data-testid="login-link">
        log in
      </Anchor>
    );
  const onLogout = async () => {
    setLeaving(true);
    try {
      await logout();
      router.push("/login");
    } catch (error) {
      notifications.show({ color: "red", title: "Logout failed", message: describeError(error) });
    } finally {
      setLeaving(false);
    }
  };
  return (
    <Group gap="xs" data-testid="user-menu" data-user={whoami.user} data-role={whoami.role}>
      <Text size="sm" fw={600} data-testid="current-user">
        {whoami.user}
      </Text>
      <Badge variant="light" color={ROLE_COLOR[whoami.role]} data-testid="current-role">
        {whoami.role}
      </Badge>
      {unreachableHosts.length > 0 && (
        <Tooltip label={`Not logged in on ${unreachableHosts.join(", ")} (no member there answered)`}>
          <Badge color="yellow" variant="light">
            partial login
          </Badge>
        </Tooltip>
      )}
      <Button
        size="compact-sm"
        variant="default"
        leftSection={<IconLogout size={14} />}
        loading={leaving}
        onClick={() => void onLogout()}
        data-testid="logout-button"
      >
        Log out
      </Button>
    </Group>
  );
}
