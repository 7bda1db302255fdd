"use client";

/** The holders and the waiting queue of one recipe instance, as tables with the same columns. */
import { Badge, Stack, Table, Text, Tooltip } from "@mantine/core";
import type { ReactNode } from "react";
import { formatAge, formatClockTime, formatSessionId } from "../../lib/format";
import { SessionIdText, ZxidText } from "./id-text";
import { type ContenderRow, contenderOrigin, contenderTitle, type WaiterRow, type WaitsFor } from "./queue-display";

function ClientCell({ row }: { row: ContenderRow }) {
  return (
    <Stack gap={0}>
      <Text size="sm" fw={500}>
        {contenderTitle(row)}
      </Text>
      {row.label !== undefined && row.clientId !== undefined ? (
        <Text size="xs" c="dimmed" ff="monospace">
          {row.clientId}
        </Text>
      ) : null}
    </Stack>
  );
}

function SinceCell({ sinceMs, nowMs }: { sinceMs: number; nowMs: number }) {
  return (
    <Tooltip label={new Date(sinceMs).toISOString()} openDelay={300}>
      <Stack gap={0}>
        <Text size="sm">{formatAge(sinceMs, nowMs)}</Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {formatClockTime(sinceMs)}
        </Text>
      </Stack>
    </Tooltip>
  );
}

function ModeBadge({ mode }: { mode: ContenderRow["mode"] }) {
  if (mode === undefined) return null;
  return (
    <Badge size="xs" variant="light" color={mode === "write" ? "grape" : "cyan"}>
      {mode}
    </Badge>
  );
}

export function HolderTable({
  rows,
  nowMs,
  tokenLabel,
  sinceOf = (row) => row.sinceMs,
  action,
}: {
  rows: readonly ContenderRow[];
  nowMs: number;
  /** "Fencing token" for locks, "Term" for elections. */
  tokenLabel: string;
  /** When each holder was granted (from the hand-off history); its node's creation time otherwise. */
  sinceOf?: (row: ContenderRow) => number;
  action: (row: ContenderRow) => ReactNode;
}) {
  const withMode = rows.some((row) => row.mode !== undefined);
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing={6} horizontalSpacing="sm" layout="fixed">
        <Table.Thead>
          <Table.Tr>
            {withMode ? <Table.Th w={70}>Mode</Table.Th> : null}
            <Table.Th>Client</Table.Th>
            <Table.Th w={170}>Session</Table.Th>
            <Table.Th w={180}>Host</Table.Th>
            <Table.Th w={130}>Holding since</Table.Th>
            <Table.Th w={130}>{tokenLabel}</Table.Th>
            <Table.Th w={150} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.node} data-testid="lock-holder" data-session-id={row.sessionId} data-node={row.node}>
              <ContenderCells row={row} withMode={withMode} />
              <Table.Td>
                <SinceCell sinceMs={sinceOf(row)} nowMs={nowMs} />
              </Table.Td>
              <Table.Td>
                <ZxidText zxid={row.fencingToken} />
              </Table.Td>
              <Table.Td style={{ textAlign: "right" }}>{action(row)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function WaitsForText({ waitsFor }: { waitsFor: WaitsFor }) {
  switch (waitsFor.type) {
    case "node":
      return (
        <Text size="sm">
          <Text span ff="monospace" size="sm">
            {waitsFor.name}
          </Text>
          {waitsFor.sessionId === undefined ? null : (
            <Text span c="dimmed" size="xs">
              {" "}
              of {formatSessionId(waitsFor.sessionId)}
            </Text>
          )}
        </Text>
      );
    case "queueChange":
      return <Text size="sm">a permit (any change of the queue)</Text>;
    case "unknown":
      return (
        <Text size="sm" c="dimmed">
          holds or waits: permits unknown
        </Text>
      );
  }
}

export function WaiterTable({
  rows,
  nowMs,
  testId,
}: {
  rows: readonly WaiterRow[];
  nowMs: number;
  /** `lock-waiter` or `election-candidate`. */
  testId: string;
}) {
  const withMode = rows.some((row) => row.mode !== undefined);
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing={6} horizontalSpacing="sm" layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={44}>#</Table.Th>
            {withMode ? <Table.Th w={70}>Mode</Table.Th> : null}
            <Table.Th>Client</Table.Th>
            <Table.Th w={170}>Session</Table.Th>
            <Table.Th w={180}>Host</Table.Th>
            <Table.Th w={130}>Waiting since</Table.Th>
            <Table.Th w={230}>Waits for</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr
              key={row.node}
              data-testid={testId}
              data-session-id={row.sessionId}
              data-position={row.position}
              data-node={row.node}
            >
              <Table.Td>
                <Badge size="sm" variant="default" circle>
                  {row.position}
                </Badge>
              </Table.Td>
              <ContenderCells row={row} withMode={withMode} />
              <Table.Td>
                <SinceCell sinceMs={row.sinceMs} nowMs={nowMs} />
              </Table.Td>
              <Table.Td>
                <WaitsForText waitsFor={row.waitsFor} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The cells holders and waiters share: mode (rw-locks), client, session and node, origin. */
function ContenderCells({ row, withMode }: { row: ContenderRow; withMode: boolean }) {
  return (
    <>
      {withMode ? (
        <Table.Td>
          <ModeBadge mode={row.mode} />
        </Table.Td>
      ) : null}
      <Table.Td>
        <ClientCell row={row} />
      </Table.Td>
      <Table.Td>
        <Stack gap={0}>
          <SessionIdText sessionId={row.sessionId} />
          <Text size="xs" c="dimmed" ff="monospace">
            {row.name}
          </Text>
        </Stack>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{contenderOrigin(row)}</Text>
      </Table.Td>
    </>
  );
}
