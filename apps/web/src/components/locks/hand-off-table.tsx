"use client";

/** A recipe instance's recent hand-offs (newest first), from its audit feed. */
import type { HandOff } from "@keel/core";
import { Badge, ScrollArea, Table, Text, Tooltip } from "@mantine/core";
import { formatClockTime, formatSessionId } from "../../lib/format";
import { type HandOffVocabulary, handOffLabel } from "./hand-off-display";
import { SessionIdText, ZxidText } from "./id-text";

/** Who removed someone else's node: an operator's session, or an operator's plain HTTP call (session "0"). */
function byWhom(sessionId: string | undefined): string {
  if (sessionId === undefined) return "";
  return sessionId === "0" ? " (by an operator)" : ` (by session ${formatSessionId(sessionId)})`;
}

export function HandOffTable({
  handOffs,
  vocabulary,
  testId,
  emptyText,
  error,
}: {
  handOffs: readonly HandOff[];
  /** Why the audit feed is unavailable, shown instead of the table. */
  error?: string | undefined;
  vocabulary: HandOffVocabulary;
  /** `handoff-row` or `leader-change-row`. */
  testId: string;
  emptyText: string;
}) {
  if (error !== undefined) {
    return (
      <Text size="sm" c="red">
        Audit feed unavailable: {error}
      </Text>
    );
  }
  if (handOffs.length === 0) {
    return (
      <Text size="sm" c="dimmed" py={4}>
        {emptyText}
      </Text>
    );
  }
  return (
    <ScrollArea.Autosize mah={240} type="auto" offsetScrollbars>
      <Table verticalSpacing={4} horizontalSpacing="sm" layout="fixed" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={110}>Time</Table.Th>
            <Table.Th w={120}>zxid</Table.Th>
            <Table.Th w={170}>Event</Table.Th>
            <Table.Th w={200}>Node</Table.Th>
            <Table.Th w={140}>Session</Table.Th>
            <Table.Th>Why / by whom</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {handOffs.map((handOff) => {
            const label = handOffLabel(handOff.kind, vocabulary);
            return (
              <Table.Tr
                key={`${handOff.zxid}:${handOff.node}:${handOff.kind}`}
                data-testid={testId}
                data-kind={handOff.kind}
                data-session-id={handOff.sessionId}
              >
                <Table.Td>
                  <Tooltip label={new Date(handOff.timeMs).toISOString()} openDelay={300}>
                    <Text size="xs" ff="monospace">
                      {formatClockTime(handOff.timeMs)}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <ZxidText zxid={handOff.zxid} size="xs" />
                </Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={label.color}>
                    {label.text}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" ff="monospace" truncate>
                    {handOff.node.slice(handOff.node.lastIndexOf("/") + 1)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <SessionIdText sessionId={handOff.sessionId} size="xs" />
                </Table.Td>
                <Table.Td>
                  <Text size="xs" lineClamp={2} title={handOff.reason}>
                    {handOff.reason ?? ""}
                    {byWhom(handOff.bySessionId)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}
