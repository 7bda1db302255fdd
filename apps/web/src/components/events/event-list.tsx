"use client";

/** The audit entries, newest first, virtualised: only the rows in view are in the DOM. */
import type { LogEntryView } from "@keel/api";
import { Badge, Box, Group, Paper, Text, Tooltip } from "@mantine/core";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { formatClockTime, formatSessionId, formatZxid } from "../../lib/format";
import { describeCause } from "./describe-cause";
import { OpBadge } from "./op-badge";

const ROW_HEIGHT_PX = 44;
const GRID = "120px 110px 130px minmax(240px, 1fr) 130px 170px 100px";
const HEADERS = ["Zxid", "Time", "Op", "Path(s)", "Session", "Client", "Result"];

export function EventList({ entries, emptyText }: { entries: readonly LogEntryView[]; emptyText: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 12,
    getItemKey: (index) => entries[index]?.zxid ?? index,
  });
  return (
    <Paper withBorder radius="md" style={{ overflow: "hidden" }}>
      <Box
        px="md"
        py={8}
        style={{
          display: "grid",
          gridTemplateColumns: GRID,
          gap: 12,
          borderBottom: "1px solid var(--mantine-color-default-border)",
          background: "var(--mantine-color-default-hover)",
        }}
      >
        {HEADERS.map((header) => (
          <Text key={header} size="sm" fw={700}>
            {header}
          </Text>
        ))}
      </Box>
      <div ref={scrollRef} style={{ height: "calc(100vh - 330px)", minHeight: 360, overflowY: "auto" }}>
        {entries.length === 0 ? (
          <Text c="dimmed" ta="center" py="xl" data-testid="events-empty">
            {emptyText}
          </Text>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {virtualizer.getVirtualItems().map((item) => {
              const entry = entries[item.index];
              if (entry === undefined) return null;
              return <EventRow key={item.key} entry={entry} top={item.start} striped={item.index % 2 === 1} />;
            })}
          </div>
        )}
      </div>
    </Paper>
  );
}

function EventRow({ entry, top, striped }: { entry: LogEntryView; top: number; striped: boolean }) {
  const causes = entry.causes?.map(describeCause) ?? [];
  const paths = entry.paths.join(", ");
  return (
    <Box
      data-testid="event-row"
      data-op={entry.op}
      data-path={entry.paths[0] ?? ""}
      data-zxid={entry.zxid}
      px="md"
      style={{
        position: "absolute",
        top,
        left: 0,
        right: 0,
        height: ROW_HEIGHT_PX,
        display: "grid",
        gridTemplateColumns: GRID,
        gap: 12,
        alignItems: "center",
        borderBottom: "1px solid var(--mantine-color-default-border)",
        background: striped ? "var(--mantine-color-default-hover)" : undefined,
      }}
    >
      <Tooltip label={`${entry.zxid} (decimal)`} withArrow openDelay={300}>
        <Text size="sm" className="mono" truncate>
          {formatZxid(entry.zxid)}
        </Text>
      </Tooltip>
      <Text size="sm" className="mono" c="dimmed">
        {formatClockTime(entry.timeMs)}
      </Text>
      <Group gap={4} wrap="nowrap">
        <OpBadge op={entry.op} />
      </Group>
      <Box miw={0}>
        <Text size="sm" className="mono" truncate title={paths}>
          {paths === "" ? (
            <Text span c="dimmed">
              –
            </Text>
          ) : (
            paths
          )}
        </Text>
        {causes.length > 0 && (
          <Text size="xs" c="orange.7" truncate title={causes.join("; ")} data-testid="event-cause">
            {causes.join("; ")}
          </Text>
        )}
      </Box>
      <Text size="sm" className="mono" truncate>
        {formatSessionId(entry.sessionId)}
      </Text>
      <Text size="sm" className="mono" c="dimmed" truncate>
        {entry.clientAddress ?? "–"}
      </Text>
      <div>
        {entry.result === "ok" ? (
          <Badge color="teal" variant="dot" tt="none">
            ok
          </Badge>
        ) : (
          <Badge color="red" variant="light" tt="none">
            {entry.result}
          </Badge>
        )}
      </div>
    </Box>
  );
}
