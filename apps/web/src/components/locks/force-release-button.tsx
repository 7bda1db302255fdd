"use client";

/**
 * Force-release of a holder's node: the operator must say why; the reason travels in the delete
 * (`forceRelease: { reason }`), so the holder's watch, the audit feed and the hand-off history all
 * carry it. Version -1: the operator releases whatever node is there now.
 */
import { Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLockOpen } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../../lib/keel-error";
import { useTRPC } from "../../trpc/providers";
import { HiddenUnlessRole } from "../auth/role-gate";

export interface ForceReleaseTarget {
  /** The holder's queue node. */
  readonly node: string;
  /** "lock orders", "leadership of scheduler": what the operator is taking away. */
  readonly what: string;
  /** Who holds it, as the page shows them. */
  readonly holder: string;
}

/** Operators and admins only: a viewer sees no button (the server refuses a viewer's force-release anyway). */
export function ForceReleaseButton(props: { target: ForceReleaseTarget; label?: string }) {
  return (
    <HiddenUnlessRole least="operator">
      <ForceReleaseControl {...props} />
    </HiddenUnlessRole>
  );
}

function ForceReleaseControl({ target, label = "Force release" }: { target: ForceReleaseTarget; label?: string }) {
  const trpc = useTRPC();
  const [opened, setOpened] = useState(false);
  const [reason, setReason] = useState("");
  const release = useMutation(trpc.node.delete.mutationOptions());
  const trimmed = reason.trim();

  const confirm = () => {
    release.mutate(
      { path: target.node, version: -1, forceRelease: { reason: trimmed } },
      {
        onSuccess: () => {
          notifications.show({
            color: "teal",
            title: `Released ${target.what}`,
            message: `${target.holder} lost it: ${trimmed}`,
          });
          setOpened(false);
          setReason("");
        },
        onError: (error) =>
          notifications.show({
            color: "red",
            title: `Could not release ${target.what}`,
            message: describeError(error),
          }),
      },
    );
  };

  return (
    <>
      <Button
        size="compact-xs"
        color="red"
        variant="light"
        leftSection={<IconLockOpen size={14} />}
        onClick={() => setOpened(true)}
        data-testid="force-release-button"
      >
        {label}
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={`Force-release ${target.what}?`} centered>
        <Stack gap="sm">
          <Text size="sm">
            <b>{target.holder}</b> will lose it at once: its node{" "}
            <Text span ff="monospace" size="sm">
              {target.node}
            </Text>{" "}
            is deleted and the next in line takes over. The holder&apos;s client sees its lease signal abort; if it is
            still running and not fenced, two processes may act at once.
          </Text>
          <TextInput
            label="Reason"
            description="Recorded in the audit feed and sent to the holder with the deletion."
            placeholder="e.g. holder hung since 09:12, paged on-call"
            required
            data-autofocus
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && trimmed !== "") confirm();
            }}
            data-testid="force-release-reason"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              disabled={trimmed === ""}
              loading={release.isPending}
              onClick={confirm}
              data-testid="force-release-confirm"
            >
              Force release
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
