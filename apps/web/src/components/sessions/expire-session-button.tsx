"use client";

/** Expire a session as its timeout would: its ephemerals go (cause sessionExpired), its client learns it is expired. */
import { Button, Text } from "@mantine/core";
import { modals } from "@mantine/modals";
import { notifications } from "@mantine/notifications";
import { IconPlugConnectedX } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { formatSessionId } from "../../lib/format";
import { describeError } from "../../lib/keel-error";
import { useTRPC } from "../../trpc/providers";
import { HiddenUnlessRole } from "../auth/role-gate";

/** Operators and admins only: a viewer sees no button (the server refuses a viewer's expire anyway). */
export function ExpireSessionButton(props: { sessionId: string; ephemerals: number }) {
  return (
    <HiddenUnlessRole least="operator">
      <ExpireSessionControl {...props} />
    </HiddenUnlessRole>
  );
}

function ExpireSessionControl({ sessionId, ephemerals }: { sessionId: string; ephemerals: number }) {
  const trpc = useTRPC();
  const expire = useMutation(trpc.session.expire.mutationOptions());
  const hex = formatSessionId(sessionId);
  const ask = () =>
    modals.openConfirmModal({
      title: `Expire session ${hex}?`,
      centered: true,
      children: (
        <Text size="sm">
          The ensemble ends the session as if its timeout had passed: its {ephemerals} ephemeral node
          {ephemerals === 1 ? "" : "s"} are deleted (locks it holds pass to the next waiter) and its client is told its
          session expired. This cannot be undone.
        </Text>
      ),
      labels: { confirm: "Expire session", cancel: "Cancel" },
      confirmProps: { color: "red", "data-testid": "expire-confirm" } as Record<string, string>,
      onConfirm: () =>
        expire.mutate(
          { sessionId },
          {
            onSuccess: () =>
              notifications.show({
                color: "teal",
                title: `Expired session ${hex}`,
                message: "Its ephemerals are gone.",
              }),
            onError: (error) =>
              notifications.show({ color: "red", title: `Could not expire ${hex}`, message: describeError(error) }),
          },
        ),
    });
  return (
    <Button
      size="compact-xs"
      variant="light"
      color="red"
      leftSection={<IconPlugConnectedX size={14} />}
      loading={expire.isPending}
      onClick={ask}
      data-testid="expire-button"
    >
      Expire
    </Button>
  );
}
