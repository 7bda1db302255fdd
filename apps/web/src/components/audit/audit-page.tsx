"use client";

/**
 * The audit page (operators and admins): every member's audit records — force-releases, sessions
 * expired by hand, ACL changes, logins and failed logins, user and token changes — merged newest
 * first, with who (user, or "anonymous"), from where, what, how it ended, and on what.
 */
import { Alert, Badge, Code, Group, MultiSelect, Stack, Table, Text, Title } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { useCallback, useMemo, useState } from "react";
import { formatClockTime, formatCount } from "../../lib/format";
import { useRoleAllows } from "../../trpc/auth-provider";
import { useMemberUrls } from "../../trpc/providers";
import {
  AUDIT_FEED_MAX,
  type AuditEntry,
  type AuditRecordView,
  addAuditRecord,
  auditSubjectOf,
  auditWhoOf,
  visibleAuditEntries,
} from "./audit-feed";
import { AUDIT_BACKLOG, MemberAuditFeed } from "./member-audit-feed";

const KNOWN_ACTIONS = [
  "forceRelease",
  "expireSession",
  "setAcl",
  "login",
  "loginFailed",
  "authFailed",
  "userAdded",
  "userRemoved",
  "userRoleSet",
  "passwordSet",
  "tokenCreated",
  "tokenRevoked",
  "memberAdded",
  "memberRemoved",
];

export function AuditPage() {
  const allowed = useRoleAllows("operator");
  if (!allowed)
    return (
      <Alert color="orange" icon={<IconLock size={18} />} title="Needs operator" data-testid="audit-needs-role">
        The audit feed is for operators and admins.
      </Alert>
    );
  return <AuditFeed />;
}

function AuditFeed() {
  const urls = useMemberUrls();
  const [entries, setEntries] = useState<readonly AuditEntry[]>([]);
  const [streams, setStreams] = useState<Readonly<Record<string, { status: string; error: string | null }>>>({});
  const [actions, setActions] = useState<string[]>([]);
  const onRecord = useCallback((record: AuditRecordView) => setEntries((kept) => addAuditRecord(kept, record)), []);
  const onStatus = useCallback(
    (url: string, status: string, error: string | null) => setStreams((all) => ({ ...all, [url]: { status, error } })),
    [],
  );
  const shown = useMemo(() => visibleAuditEntries(entries, actions), [entries, actions]);
  const actionChoices = useMemo(
    () => [...new Set([...KNOWN_ACTIONS, ...entries.map((entry) => entry.record.action)])].sort(),
    [entries],
  );

  return (
    <Stack gap="md">
      {urls.map((url) => (
        <MemberAuditFeed key={url} url={url} onRecord={onRecord} onStatus={onStatus} />
      ))}
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Audit</Title>
          <Text c="dimmed" size="sm">
            Administrative actions on every member, newest first: each member&apos;s last {AUDIT_BACKLOG}, then live.
          </Text>
        </div>
        <Group gap={6}>
          {urls.map((url) => {
            const stream = streams[url];
            const live = stream?.status === "pending" || stream?.status === "success";
            return (
              <Badge
                key={url}
                variant="dot"
                color={live ? "teal" : stream?.status === "error" ? "red" : "gray"}
                title={stream?.error ?? undefined}
                data-testid="audit-stream"
              >
                {url.replace(/^https?:\/\//, "")}
              </Badge>
            );
          })}
        </Group>
      </Group>
      <Group gap="sm" align="flex-end">
        <MultiSelect
          label="Actions"
          placeholder={actions.length === 0 ? "All actions" : undefined}
          data={actionChoices}
          value={actions}
          onChange={setActions}
          clearable
          searchable
          w={360}
          data-testid="audit-action-filter"
        />
        <Text size="sm" c="dimmed" ml="auto" data-testid="audit-count">
          {formatCount(shown.length)} shown · {formatCount(entries.length)} kept (last {formatCount(AUDIT_FEED_MAX)})
        </Text>
      </Group>
      {shown.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="audit-empty">
          {entries.length === 0 ? "No audit records yet. They appear here as they happen." : "No records match."}
        </Text>
      ) : (
        <Table striped highlightOnHover verticalSpacing={4} data-testid="audit-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Time</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>From</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>Outcome</Table.Th>
              <Table.Th>Subject</Table.Th>
              <Table.Th>Member</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((entry) => (
              <AuditRow key={entry.key} record={entry.record} />
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function AuditRow({ record }: { record: AuditRecordView }) {
  const ok = record.outcome === "OK";
  return (
    <Table.Tr
      data-testid="audit-row"
      data-action={record.action}
      data-outcome={record.outcome}
      data-user={auditWhoOf(record)}
    >
      <Table.Td>
        <Text size="sm" ff="monospace">
          {formatClockTime(record.timeMs)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={600} {...(record.user ? {} : { c: "dimmed" })} data-testid="audit-user">
          {auditWhoOf(record)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {record.clientAddress ?? "–"}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge variant="light" tt="none">
          {record.action}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Badge variant="light" color={ok ? "teal" : "red"}>
          {record.outcome}
        </Badge>
      </Table.Td>
      <Table.Td>
        <Stack gap={0}>
          {auditSubjectOf(record).map(([field, value]) => (
            <Text key={field} size="xs" style={{ wordBreak: "break-all" }}>
              <Text span c="dimmed" size="xs">
                {field}
              </Text>{" "}
              <Code>{value}</Code>
            </Text>
          ))}
        </Stack>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{record.serverId}</Text>
      </Table.Td>
    </Table.Tr>
  );
}
