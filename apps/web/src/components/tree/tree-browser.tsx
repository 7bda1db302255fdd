"use client";

/**
 * The namespace as one virtualised list of rows (visible-rows.ts): only the rows on screen are in
 * the DOM, so a node with 100,000 children scrolls like one with ten. Clicking a row opens the
 * node; the chevron expands it, which loads its children (use-child-listings.ts).
 */
import { ActionIcon, Badge, Box, Group, Loader, Text, TextInput, Tooltip } from "@mantine/core";
import {
  IconAlertTriangle,
  IconChevronDown,
  IconChevronRight,
  IconFile,
  IconFilter,
  IconFolder,
  IconFolderOpen,
  IconPlugConnected,
} from "@tabler/icons-react";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef } from "react";
import { formatCount } from "../../lib/format";
import { useChildListings } from "./use-child-listings";
import { type VisibleRow, visibleRows } from "./visible-rows";

const ROW_HEIGHT_PX = 28;
const INDENT_PX = 16;
/** Bound on rendered rows (what is expanded, summed): far above one 100,000-child node. */
const VISIBLE_ROWS_MAX = 500_000;

export interface TreeBrowserProps {
  expanded: ReadonlySet<string>;
  selected: string;
  filter: { path: string; text: string } | undefined;
  onToggle: (path: string) => void;
  onSelect: (path: string) => void;
  onFilterChange: (text: string) => void;
  /** Bumped to scroll the selected row into view (after a jump from search). */
  revealToken: number;
}

export function TreeBrowser(props: TreeBrowserProps) {
  const { expanded, selected, filter, onToggle, onSelect, revealToken } = props;
  const expandedList = useMemo(() => [...expanded], [expanded]);
  const listings = useChildListings(expandedList, filter);
  // biome-ignore lint/correctness/useExhaustiveDependencies: listings.version stands for listings.
  const rows = useMemo(
    () => visibleRows("/", expanded, listings.listingOf, VISIBLE_ROWS_MAX),
    [expanded, listings.version],
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 12,
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll only when asked (revealToken), once rows are in.
  useEffect(() => {
    const index = rows.findIndex((row) => row.type === "node" && row.path === selected);
    if (index >= 0) virtualizer.scrollToIndex(index, { align: "auto" });
  }, [revealToken, rows.length > 1]);

  const filterPath = filter?.path ?? selected;
  const filterTotal = listings.totalOf(filterPath);

  return (
    <Box style={{ display: "flex", flexDirection: "column", minHeight: 0, height: "100%" }}>
      <TextInput
        size="xs"
        mb={6}
        leftSection={<IconFilter size={14} />}
        placeholder={
          expanded.has(filterPath) ? `Filter the children of ${filterPath}` : "Expand a node to filter its children"
        }
        disabled={!expanded.has(filterPath)}
        value={filter?.path === filterPath ? filter.text : ""}
        onChange={(event) => props.onFilterChange(event.currentTarget.value)}
        data-testid="children-filter"
        rightSectionWidth={70}
        rightSection={
          filterTotal !== undefined ? (
            <Badge size="xs" variant="light" color="gray" title={`${formatCount(filterTotal)} children`}>
              {formatCount(filterTotal)}
            </Badge>
          ) : null
        }
      />
      <Box
        ref={scrollRef}
        data-testid="tree-scroll"
        style={{
          flex: 1,
          minHeight: 0,
          overflow: "auto",
          border: "1px solid var(--mantine-color-default-border)",
          borderRadius: "var(--mantine-radius-sm)",
        }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative", width: "100%" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (row === undefined) return null;
            return (
              <div
                key={item.key}
                style={{
                  position: "absolute",
                  top: 0,
                  left: 0,
                  width: "100%",
                  height: ROW_HEIGHT_PX,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <RowView row={row} selected={selected} onToggle={onToggle} onSelect={onSelect} />
              </div>
            );
          })}
        </div>
      </Box>
      <Text size="xs" c="dimmed" mt={4} data-testid="tree-row-count">
        {formatCount(rows.length)} rows
      </Text>
    </Box>
  );
}

function RowView(props: {
  row: VisibleRow;
  selected: string;
  onToggle: (path: string) => void;
  onSelect: (path: string) => void;
}) {
  const { row, selected } = props;
  const indent = row.depth * INDENT_PX + 6;
  if (row.type === "loading")
    return (
      <Group gap={6} h={ROW_HEIGHT_PX} pl={indent + 22} wrap="nowrap">
        <Loader size={12} />
        <Text size="xs" c="dimmed">
          loading children…
        </Text>
      </Group>
    );
  if (row.type === "error")
    return (
      <Group gap={6} h={ROW_HEIGHT_PX} pl={indent + 22} wrap="nowrap">
        <IconAlertTriangle size={14} color="var(--mantine-color-red-6)" />
        <Text size="xs" c="red" truncate>
          {row.message}
        </Text>
      </Group>
    );
  if (row.type === "empty")
    return (
      <Text size="xs" c="dimmed" h={ROW_HEIGHT_PX} pl={indent + 22} style={{ lineHeight: `${ROW_HEIGHT_PX}px` }}>
        {row.filtered ? "no child matches the filter" : "no children"}
      </Text>
    );
  const { entry } = row;
  const isSelected = row.path === selected;
  const mayHaveChildren = entry.numChildren === undefined || entry.numChildren > 0;
  const Icon = entry.ephemeral
    ? IconPlugConnected
    : !mayHaveChildren
      ? IconFile
      : row.expanded
        ? IconFolderOpen
        : IconFolder;
  return (
    <Group
      gap={4}
      h={ROW_HEIGHT_PX}
      pl={indent}
      pr={6}
      wrap="nowrap"
      data-testid="tree-row"
      data-path={row.path}
      data-selected={isSelected}
      aria-selected={isSelected}
      role="treeitem"
      onClick={() => props.onSelect(row.path)}
      style={{
        cursor: "pointer",
        borderRadius: 4,
        background: isSelected ? "var(--mantine-primary-color-light)" : undefined,
      }}
    >
      <ActionIcon
        size={18}
        variant="subtle"
        color="gray"
        aria-label={row.expanded ? `collapse ${row.path}` : `expand ${row.path}`}
        data-testid="tree-toggle"
        style={{ visibility: mayHaveChildren ? "visible" : "hidden" }}
        onClick={(event) => {
          event.stopPropagation();
          props.onToggle(row.path);
        }}
      >
        {row.expanded ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
      </ActionIcon>
      <Icon
        size={15}
        color={entry.ephemeral ? "var(--mantine-color-violet-5)" : "var(--mantine-color-dimmed)"}
        style={{ flexShrink: 0 }}
      />
      <Text size="sm" ff="monospace" truncate style={{ flex: 1 }} fw={isSelected ? 600 : undefined}>
        {row.name}
      </Text>
      {entry.numChildren !== undefined && entry.numChildren > 0 ? (
        <Tooltip label={`${formatCount(entry.numChildren)} children`} openDelay={400}>
          <Badge size="xs" variant="light" color="gray">
            {formatCount(entry.numChildren)}
          </Badge>
        </Tooltip>
      ) : null}
    </Group>
  );
}
