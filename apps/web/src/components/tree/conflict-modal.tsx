"use client";

/**
 * Shown when a save fails with BADVERSION: someone else wrote the node after the editor loaded it.
 * The diff is YOUR edit against the FRESH value; the operator keeps theirs, overwrites with theirs
 * at the new version ("keep mine"), or merges in an editor prefilled with their text and saves
 * against the fresh version.
 */
import type { NodeView } from "@keel/api";
import { Badge, Box, Button, Group, Modal, ScrollArea, Stack, Text, Textarea } from "@mantine/core";
import { useMemo, useState } from "react";
import { conflictDiff, diffSummary } from "./conflict-diff";

export interface ConflictModalProps {
  opened: boolean;
  mine: string;
  loadedVersion: number;
  fresh: NodeView | undefined;
  saving: boolean;
  onKeepMine: () => void;
  onTakeTheirs: () => void;
  onSaveMerged: (text: string) => void;
  onClose: () => void;
}

const LINE_COLORS = {
  same: undefined,
  mine: "var(--mantine-color-green-light)",
  theirs: "var(--mantine-color-red-light)",
} as const;

export function ConflictModal(props: ConflictModalProps) {
  const { fresh, mine } = props;
  const [merging, setMerging] = useState(false);
  const [merged, setMerged] = useState(mine);
  const lines = useMemo(() => (fresh === undefined ? [] : conflictDiff(fresh.data, mine)), [fresh, mine]);
  const summary = diffSummary(lines);
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      size="xl"
      title={<Text fw={600}>The node changed while you were editing</Text>}
      data-testid="conflict-dialog"
    >
      <Stack gap="sm">
        <Text size="sm">
          You loaded version <b>{props.loadedVersion}</b>; the node is now at version{" "}
          <b data-testid="conflict-fresh-version">{fresh?.stat.version ?? "…"}</b>. Lines only in the fresh value are
          red, lines only in your edit are green.
        </Text>
        <Group gap="xs">
          <Badge color="red" variant="light">
            theirs (version {fresh?.stat.version}): {summary.theirs} lines
          </Badge>
          <Badge color="green" variant="light">
            mine: {summary.mine} lines
          </Badge>
        </Group>
        <ScrollArea.Autosize mah={320}>
          <Box
            data-testid="conflict-diff"
            ff="monospace"
            fz="sm"
            style={{ border: "1px solid var(--mantine-color-default-border)", borderRadius: 4 }}
          >
            {lines.map((line, index) => (
              <Group
                // biome-ignore lint/suspicious/noArrayIndexKey: diff lines have no identity beyond their position.
                key={index}
                gap={0}
                wrap="nowrap"
                data-kind={line.kind}
                style={{ background: LINE_COLORS[line.kind] }}
              >
                <Text span w={36} ta="right" pr={6} c="dimmed" fz="xs" ff="monospace">
                  {line.theirsLine ?? ""}
                </Text>
                <Text span w={36} ta="right" pr={6} c="dimmed" fz="xs" ff="monospace">
                  {line.mineLine ?? ""}
                </Text>
                <Text span w={16} fz="sm" ff="monospace">
                  {line.kind === "mine" ? "+" : line.kind === "theirs" ? "-" : " "}
                </Text>
                <Text span fz="sm" ff="monospace" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
                  {line.text}
                </Text>
              </Group>
            ))}
          </Box>
        </ScrollArea.Autosize>
        {merging ? (
          <Textarea
            label={`Merged text (saved against version ${fresh?.stat.version})`}
            autosize
            minRows={4}
            maxRows={14}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            value={merged}
            onChange={(event) => setMerged(event.currentTarget.value)}
            data-testid="merge-editor"
          />
        ) : null}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={props.onTakeTheirs} data-testid="conflict-take-theirs">
            Take theirs
          </Button>
          {merging ? (
            <Button
              onClick={() => props.onSaveMerged(merged)}
              loading={props.saving}
              disabled={fresh === undefined}
              data-testid="conflict-save-merged"
            >
              Save merged
            </Button>
          ) : (
            <Button variant="light" onClick={() => setMerging(true)} data-testid="conflict-merge">
              Merge manually
            </Button>
          )}
          <Button
            color="orange"
            onClick={props.onKeepMine}
            loading={props.saving}
            disabled={fresh === undefined}
            data-testid="conflict-keep-mine"
          >
            Keep mine (overwrite version {fresh?.stat.version})
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
