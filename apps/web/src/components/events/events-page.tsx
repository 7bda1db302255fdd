"use client";

/**
 * The events page: the committed log as an audit feed (who changed what, when, from where), live
 * from the primary member, with a server-side path filter, a client-side op filter, and a pause
 * that keeps receiving.
 */
import type { LogEntryView } from "@keel/api";
import { Alert, Badge, Button, Group, MultiSelect, Stack, Text, TextInput, Title } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconFilter, IconPlayerPause, IconPlayerPlay, IconPlugConnectedX } from "@tabler/icons-react";
import { useCallback, useEffect, useMemo, useReducer, useState } from "react";
import { formatCount } from "../../lib/format";
import { usePrimaryUrl } from "../../trpc/providers";
import { EMPTY_FEED, EVENT_FEED_MAX, eventFeedReducer, pendingCount, visibleEntries } from "./event-feed";
import { EventList } from "./event-list";
import { LOG_BACKLOG, LogFeedSubscription } from "./log-feed-subscription";

const KNOWN_OPS = [
  "create",
  "delete",
  "setData",
  "setACL",
  "multi",
  "createSession",
  "closeSession",
  "expireSession",
  "forceRelease",
  "error",
];

/** A path prefix the server accepts: absolute, without a trailing slash (except the root). */
function prefixOf(text: string): string | undefined | null {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "/") return undefined;
  if (!trimmed.startsWith("/")) return null;
  return trimmed.replace(/\/+$/, "");
}

export function EventsPage() {
  const primaryUrl = usePrimaryUrl();
  const [feed, dispatch] = useReducer(
    (state: typeof EMPTY_FEED, action: Parameters<typeof eventFeedReducer>[1]) => eventFeedReducer(state, action),
    EMPTY_FEED,
  );
  const [pathText, setPathText] = useState("");
  const [debouncedPath] = useDebouncedValue(pathText, 300);
  const pathPrefix = prefixOf(debouncedPath);
  const [ops, setOps] = useState<string[]>([]);
  const [stream, setStream] = useState<{ status: string; error: string | null }>({ status: "connecting", error: null });

  // A new filter is a new feed: the server replays the backlog for it.
  useEffect(() => {
    void pathPrefix;
    dispatch({ type: "clear" });
  }, [pathPrefix]);

  const onEntry = useCallback((entry: LogEntryView) => dispatch({ type: "received", entry }), []);
  const onStatus = useCallback((status: string, error: string | null) => setStream({ status, error }), []);
  const shown = useMemo(() => visibleEntries(feed.entries, ops), [feed.entries, ops]);
  const opChoices = useMemo(
    () => [...new Set([...KNOWN_OPS, ...feed.entries.map((entry) => entry.op)])].sort(),
    [feed.entries],
  );
  const pending = pendingCount(feed);

  return (
    <Stack gap="md">
      {primaryUrl !== undefined && pathPrefix !== null && (
        <LogFeedSubscription
          key={`${primaryUrl} ${pathPrefix ?? "/"}`}
          pathPrefix={pathPrefix}
          onEntry={onEntry}
          onStatus={onStatus}
        />
      )}
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Events</Title>
          <Text c="dimmed" size="sm">
            Every committed change from the log: the last {LOG_BACKLOG} first, then live.
          </Text>
        </div>
        <Group gap="xs">
          <StreamBadge primaryUrl={primaryUrl} status={stream.status} paused={feed.paused} />
        </Group>
      </Group>
      {primaryUrl === undefined && (
        <Alert color="red" icon={<IconPlugConnectedX size={18} />} title="No serving member">
          The feed resumes as soon as a member serves again.
        </Alert>
      )}
      {stream.status === "error" && stream.error !== null && (
        <Alert color="orange" title="The feed stopped" data-testid="events-error">
          {stream.error} — retrying.
        </Alert>
      )}
      <Group gap="sm" align="flex-end">
        <TextInput
          label="Path prefix"
          description="Filtered by the server"
          placeholder="/app/locks"
          leftSection={<IconFilter size={16} />}
          value={pathText}
          onChange={(event) => setPathText(event.currentTarget.value)}
          error={pathPrefix === null ? "A path starts with /" : undefined}
          w={280}
          data-testid="path-filter"
          classNames={{ input: "mono" }}
        />
        <MultiSelect
          label="Ops"
          description="Filtered in this page"
          placeholder={ops.length === 0 ? "All ops" : undefined}
          data={opChoices}
          value={ops}
          onChange={setOps}
          clearable
          searchable
          w={320}
          data-testid="op-filter"
        />
        <Button
          variant={feed.paused ? "filled" : "default"}
          color="orange"
          leftSection={feed.paused ? <IconPlayerPlay size={16} /> : <IconPlayerPause size={16} />}
          onClick={() => dispatch({ type: feed.paused ? "resume" : "pause" })}
          data-testid="pause-button"
        >
          {feed.paused ? "Resume" : "Pause"}
        </Button>
        {feed.paused && (
          <Badge size="lg" color="orange" variant="light" data-testid="pending-count" data-pending={pending}>
            {formatCount(pending)} new
          </Badge>
        )}
        <Text size="sm" c="dimmed" ml="auto" data-testid="events-count">
          {formatCount(shown.length)} shown · {formatCount(feed.entries.length)} kept (last{" "}
          {formatCount(EVENT_FEED_MAX)})
        </Text>
      </Group>
      <EventList
        entries={shown}
        emptyText={
          feed.entries.length === 0
            ? pathPrefix === undefined
              ? "No committed changes yet. Changes appear here as they commit."
              : `No committed changes under ${pathPrefix} yet.`
            : "No entries match the chosen ops."
        }
      />
    </Stack>
  );
}

function StreamBadge({
  primaryUrl,
  status,
  paused,
}: {
  primaryUrl: string | undefined;
  status: string;
  paused: boolean;
}) {
  if (primaryUrl === undefined) return <Badge color="red">offline</Badge>;
  const host = primaryUrl.replace(/^https?:\/\//, "");
  if (paused)
    return (
      <Badge color="orange" variant="light">
        paused · {host}
      </Badge>
    );
  return (
    <Badge
      color={status === "live" ? "teal" : status === "error" ? "red" : "gray"}
      variant="dot"
      data-testid="events-stream"
    >
      {status === "live" ? "live" : status} · {host}
    </Badge>
  );
}
