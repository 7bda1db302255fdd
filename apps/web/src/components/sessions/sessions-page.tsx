"use client";

/**
 * The Sessions page: every live session, merged from all members' listings (the member holding the
 * connection is the only one that knows it is attached, its heartbeat and its watches), live.
 */
import { ActionIcon, Alert, Badge, Card, Group, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { IconChevronDown, IconChevronRight, IconInfoCircle } from "@tabler/icons-react";
import { Fragment, useState } from "react";
import { formatAge, formatClockTime, formatDuration, formatRecentAge } from "../../lib/format";
import { useNow } from "../../lib/use-now";
import { useMembers } from "../../trpc/providers";
import { SessionIdText } from "../locks/id-text";
import { ExpireSessionButton } from "./expire-session-button";
import { SessionEphemerals } from "./session-ephemerals";
import { type HeartbeatHealth, heartbeatHealth, type MergedSession } from "./session-merge";
import { useSessionListings } from "./use-session-listings";

const HEALTH_COLOR: Record<HeartbeatHealth, string> = {
  fresh: "teal",
  late: "yellow",
  suspect: "red",
  unknown: "gray",
};

const shortUrl = (url: string) => url.replace(/^https?:\/\//, "");

function MemberCell({ session }: { session: MergedSession }) {
  if (session.attached === null) {
    return (
      <Tooltip label="No member reports a connection: the client is between members or gone; the session lives until its timeout.">
        <Badge color="gray" variant="light">
          detached
        </Badge>
      </Tooltip>
    );
  }
  return (
    <Stack gap={0}>
      <Text size="sm" fw={500}>
        server {session.attached.serverId}
      </Text>
      <Text size="xs" c="dimmed" ff="monospace">
        {session.attachedUrl === null ? "" : shortUrl(session.attachedUrl)}
      </Text>
    </Stack>
  );
}

function HeartbeatCell({ session, nowMs }: { session: MergedSession; nowMs: number }) {
  const last = session.attached?.lastHeartbeatMs;
  // Judged as of the listing (heartbeats are not pushed, listings refresh every few seconds), so a
  // healthy session does not turn yellow between refreshes; the label keeps ticking.
  const health = heartbeatHealth(last, session.timeoutMs, session.attachedListedAtMs ?? nowMs);
  return (
    <Badge variant="light" color={HEALTH_COLOR[health]} data-health={health} style={{ textTransform: "none" }}>
      {last === undefined ? "–" : formatRecentAge(last, nowMs)}
    </Badge>
  );
}

function SessionDetails({ session }: { session: MergedSession }) {
  return (
    <Group align="flex-start" gap="xl" p="xs">
      <Stack gap={4} miw={260}>
        <Text size="xs" tt="uppercase" fw={700} c="dimmed">
          Session
        </Text>
        <Text size="sm" ff="monospace">
          {session.sessionId} (decimal)
        </Text>
        <Text size="sm">
          Created:{" "}
          {session.createdAtMs === null
            ? "before the ensemble recorded it"
            : new Date(session.createdAtMs).toISOString()}
        </Text>
        <Text size="sm">Opened from: {session.clientAddress ?? "unknown"}</Text>
        {session.attached === null ? null : (
          <Text size="sm">
            Connected to server {session.attached.serverId} from {session.attached.clientAddress} since{" "}
            {formatClockTime(session.attached.sinceMs)}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          Listed by {session.listedBy} member{session.listedBy === 1 ? "" : "s"}
        </Text>
      </Stack>
      <Stack gap={4} style={{ flex: 1 }}>
        <Text size="xs" tt="uppercase" fw={700} c="dimmed">
          Ephemeral nodes ({session.ephemerals})
        </Text>
        <SessionEphemerals sessionId={session.sessionId} count={session.ephemerals} />
      </Stack>
    </Group>
  );
}

function SessionRow({ session, nowMs }: { session: MergedSession; nowMs: number }) {
  const [open, setOpen] = useState(false);
  return (
    <Fragment>
      <Table.Tr
        data-testid="session-row"
        data-session-id={session.sessionId}
        data-attached-server={session.attached?.serverId ?? ""}
      >
        <Table.Td>
          <ActionIcon
            variant="subtle"
            color="gray"
            size="sm"
            onClick={() => setOpen((value) => !value)}
            aria-label={open ? "Hide details" : "Show details"}
            data-testid="session-expand"
          >
            {open ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
          </ActionIcon>
        </Table.Td>
        <Table.Td>
          <SessionIdText sessionId={session.sessionId} />
          <Text size="xs" c="dimmed" ff="monospace">
            {session.sessionId}
          </Text>
        </Table.Td>
        <Table.Td>
          <MemberCell session={session} />
        </Table.Td>
        <Table.Td>
          <Text size="sm" ff="monospace" data-testid="session-client-address">
            {session.attached?.clientAddress ?? session.clientAddress ?? "–"}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{formatDuration(session.timeoutMs)}</Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm">
            {session.createdAtMs === null ? "–" : formatAge(session.createdAtMs, nowMs).replace(" ago", "")}
          </Text>
        </Table.Td>
        <Table.Td>
          <HeartbeatCell session={session} nowMs={nowMs} />
        </Table.Td>
        <Table.Td ta="right">
          <Text size="sm">{session.ephemerals}</Text>
        </Table.Td>
        <Table.Td ta="right">
          <Text size="sm">{session.attached === null ? "–" : session.attached.watches}</Text>
        </Table.Td>
        <Table.Td ta="right">
          <ExpireSessionButton sessionId={session.sessionId} ephemerals={session.ephemerals} />
        </Table.Td>
      </Table.Tr>
      {open ? (
        <Table.Tr>
          <Table.Td colSpan={10} bg="var(--mantine-color-default-hover)">
            <SessionDetails session={session} />
          </Table.Td>
        </Table.Tr>
      ) : null}
    </Fragment>
  );
}

export function SessionsPage() {
  const listings = useSessionListings();
  const members = useMembers();
  const nowMs = useNow(200);
  const attached = listings.sessions.filter((session) => session.attached !== null).length;
  return (
    <Stack gap="lg">
      <Stack gap={2}>
        <Group gap="xs">
          <Title order={2}>Sessions</Title>
          <Badge variant="default" data-testid="session-count">
            {listings.sessions.length}
          </Badge>
          <Badge variant="light" color="blue">
            {attached} attached
          </Badge>
          <Badge variant="light" color="gray">
            listings from {listings.answered}/{members.length || listings.answered} members
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          Every client session in the ensemble: where it is connected, how fresh its heartbeat is, what it owns. Live.
        </Text>
      </Stack>
      {listings.errors.map((error) => (
        <Alert
          key={error.url}
          color="yellow"
          variant="light"
          title={`${shortUrl(error.url)} did not list its sessions`}
        >
          {error.message} (its attached sessions show as detached until it answers)
        </Alert>
      ))}
      {listings.liveError === undefined ? null : (
        <Alert color="yellow" variant="light" title="Live updates interrupted, reconnecting">
          {listings.liveError}
        </Alert>
      )}
      {listings.truncated ? (
        <Alert color="yellow" variant="light" title="Listing truncated">
          More sessions exist than a member lists at once; the table shows the first 1000 by id.
        </Alert>
      ) : null}
      <Card withBorder padding={0} radius="md">
        <Table.ScrollContainer minWidth={1150}>
          <Table verticalSpacing={6} horizontalSpacing="sm" highlightOnHover layout="fixed">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40} />
                <Table.Th w={170}>Session</Table.Th>
                <Table.Th w={150}>Member</Table.Th>
                <Table.Th>Client address</Table.Th>
                <Table.Th w={80}>Timeout</Table.Th>
                <Table.Th w={100}>Age</Table.Th>
                <Table.Th w={130}>Last heartbeat</Table.Th>
                <Table.Th w={100} ta="right">
                  Ephemerals
                </Table.Th>
                <Table.Th w={80} ta="right">
                  Watches
                </Table.Th>
                <Table.Th w={100} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {listings.sessions.map((session) => (
                <SessionRow key={session.sessionId} session={session} nowMs={nowMs} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {listings.sessions.length === 0 ? (
          <Group p="md" gap="xs">
            <IconInfoCircle size={18} />
            <Text size="sm" c="dimmed">
              {listings.loading
                ? "Reading the members' session listings…"
                : "No sessions. A client opens one on connect (SDK: connect({ servers }), or session.open over HTTP)."}
            </Text>
          </Group>
        ) : null}
      </Card>
    </Stack>
  );
}
