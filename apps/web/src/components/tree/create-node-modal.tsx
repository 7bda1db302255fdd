"use client";

/** Creates a node under the current one: a name (or a relative path), data, kind, and a TTL for TTL kinds. */
import type { NodeKind } from "@keel/api";
import { Button, Group, Modal, NumberInput, Select, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../trpc/providers";
import { notifyError, notifySuccess } from "./keel-notify";
import { CREATABLE_KINDS, isTtlKind, kindBadge } from "./node-kind";
import { childPathOf, normalisePath } from "./tree-paths";

export function CreateNodeModal(props: {
  parent: string;
  opened: boolean;
  onClose: () => void;
  onCreated: (path: string) => void;
}) {
  const trpc = useTRPC();
  const create = useMutation(trpc.node.create.mutationOptions());
  const [name, setName] = useState("");
  const [data, setData] = useState("");
  const [kind, setKind] = useState<NodeKind>("persistent");
  const [ttlMs, setTtlMs] = useState<number>(60_000);
  const relative = normalisePath(name);
  const path = relative === undefined || relative === "/" ? undefined : childPathOf(props.parent, relative.slice(1));

  const submit = async () => {
    if (path === undefined) return;
    try {
      const result = await create.mutateAsync(isTtlKind(kind) ? { path, data, kind, ttlMs } : { path, data, kind });
      notifySuccess(`Created ${result.path}`);
      setName("");
      setData("");
      props.onCreated(result.path);
    } catch (error) {
      notifyError(`Could not create ${path}`, error);
    }
  };

  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={<Text fw={600}>Create a node under {props.parent}</Text>}
      size="lg"
    >
      <Stack gap="sm">
        <TextInput
          label="Name"
          description={path ? `creates ${path}` : "a name, or a relative path such as a/b (parents must exist)"}
          placeholder="config"
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          data-testid="create-name"
          data-autofocus
        />
        <Textarea
          label="Data"
          autosize
          minRows={3}
          maxRows={12}
          value={data}
          onChange={(event) => setData(event.currentTarget.value)}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          data-testid="create-data"
        />
        <Group grow align="flex-start">
          <Select
            label="Kind"
            data={CREATABLE_KINDS.map((value) => ({ value, label: kindBadge(value).label }))}
            value={kind}
            onChange={(value) => value && setKind(value as NodeKind)}
            allowDeselect={false}
            data-testid="create-kind"
          />
          {isTtlKind(kind) ? (
            <NumberInput
              label="TTL (ms)"
              description="removed when unmodified this long and childless"
              min={1}
              value={ttlMs}
              onChange={(value) => setTtlMs(typeof value === "number" ? value : Number(value))}
              data-testid="create-ttl"
            />
          ) : null}
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button
            onClick={() => void submit()}
            disabled={path === undefined}
            loading={create.isPending}
            data-testid="create-submit"
          >
            Create
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
