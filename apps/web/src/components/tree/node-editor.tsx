"use client";

/**
 * Edits a node's data with a version check: the editor holds the version it loaded, and save
 * calls node.set with it. BADVERSION means another client wrote in between: the conflict dialog
 * fetches the fresh value and lets the operator decide (conflict-modal.tsx).
 */
import type { NodeView } from "@keel/api";
import { Alert, Button, Group, Stack, Text, Textarea } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { keelCodeOf } from "../../lib/keel-error";
import { useTRPC } from "../../trpc/providers";
import { ConflictModal } from "./conflict-modal";
import { notifyError, notifySuccess } from "./keel-notify";

export interface NodeEditorProps {
  /** The node as it was when editing began: its data and version are what the edit is based on. */
  loaded: NodeView;
  /** The node as it is now (live), to warn that a save will conflict. */
  currentVersion: number | undefined;
  onDone: () => void;
}

export function NodeEditor({ loaded, currentVersion, onDone }: NodeEditorProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState(loaded.data);
  const [conflict, setConflict] = useState<{ fresh: NodeView | undefined } | undefined>(undefined);
  const setData = useMutation(trpc.node.set.mutationOptions());
  const path = loaded.path;

  const openConflict = async () => {
    setConflict({ fresh: undefined });
    try {
      const fresh = await queryClient.fetchQuery({ ...trpc.node.get.queryOptions({ path }), staleTime: 0 });
      setConflict({ fresh });
    } catch (error) {
      setConflict(undefined);
      notifyError(`Could not read ${path}`, error);
    }
  };

  const save = async (data: string, version: number) => {
    try {
      const result = await setData.mutateAsync({ path, data, version });
      notifySuccess(`Saved ${path}`, `now at version ${result.stat.version}`);
      void queryClient.invalidateQueries({ queryKey: trpc.node.get.queryKey({ path }) });
      setConflict(undefined);
      onDone();
    } catch (error) {
      if (keelCodeOf(error) === "BADVERSION") await openConflict();
      else notifyError(`Could not save ${path}`, error);
    }
  };

  const stale = currentVersion !== undefined && currentVersion !== loaded.stat.version;
  return (
    <Stack gap="xs">
      {stale ? (
        <Alert color="yellow" variant="light" data-testid="editor-stale">
          The node changed since you began editing (version {loaded.stat.version} → {currentVersion}). Saving will show
          what changed.
        </Alert>
      ) : null}
      <Textarea
        autosize
        minRows={6}
        maxRows={20}
        value={text}
        onChange={(event) => setText(event.currentTarget.value)}
        styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
        data-testid="node-editor"
        aria-label={`data of ${path}`}
      />
      <Group justify="space-between">
        <Text size="xs" c="dimmed" data-testid="editor-version">
          editing version {loaded.stat.version}
        </Text>
        <Group gap="xs">
          <Button variant="default" onClick={onDone} data-testid="cancel-edit-button">
            Cancel
          </Button>
          <Button
            onClick={() => void save(text, loaded.stat.version)}
            loading={setData.isPending}
            data-testid="save-button"
          >
            Save (if version {loaded.stat.version})
          </Button>
        </Group>
      </Group>
      {conflict !== undefined ? (
        <ConflictModal
          opened
          mine={text}
          loadedVersion={loaded.stat.version}
          fresh={conflict.fresh}
          saving={setData.isPending}
          onClose={() => setConflict(undefined)}
          onTakeTheirs={() => {
            setConflict(undefined);
            onDone();
          }}
          onKeepMine={() => conflict.fresh && void save(text, conflict.fresh.stat.version)}
          onSaveMerged={(merged) => conflict.fresh && void save(merged, conflict.fresh.stat.version)}
        />
      ) : null}
    </Stack>
  );
}
