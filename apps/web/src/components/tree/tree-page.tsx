"use client";

/**
 * The Tree page: the namespace browser on the left, the selected node on the right. The URL path
 * is the znode path (/tree/app/config opens /app/config); selecting a node updates it through the
 * History API, so the page never reloads. One recursive watch keeps everything live.
 */
import { Badge, Box, Card, Collapse, Group, Text, Tooltip, UnstyledButton } from "@mantine/core";
import { IconChevronDown, IconChevronRight } from "@tabler/icons-react";
import { useCallback, useEffect, useState } from "react";
import { formatZxid } from "../../lib/format";
import { CreateNodeModal } from "./create-node-modal";
import { FindPanel } from "./find-panel";
import { NodePanel } from "./node-panel";
import { PathSearch } from "./path-search";
import { SubtreeTransferModal } from "./subtree-transfer-modal";
import { TreeBrowser } from "./tree-browser";
import { ancestorsOf, parentOf, pathFromSegments, treeHrefOf } from "./tree-paths";
import { useDeleteNode } from "./use-delete-node";
import { type LiveTree, LiveTreeWatch } from "./use-live-tree";

/** Header, padding and margins around the page's two columns. */
const CHROME_HEIGHT_PX = 52 + 32;
/** Below the 52 px header plus the page padding. */
const STICKY_TOP_PX = 52 + 16;

function pathOfLocation(): string {
  const rest = window.location.pathname.replace(/^\/tree\/?/, "");
  return pathFromSegments(rest.length === 0 ? [] : rest.split("/"));
}

export function TreePage({ initialPath }: { initialPath: string }) {
  const [selected, setSelected] = useState(initialPath);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(
    () => new Set(["/", ...ancestorsOf(initialPath), initialPath]),
  );
  const [filter, setFilter] = useState<{ path: string; text: string } | undefined>(undefined);
  const [revealToken, setRevealToken] = useState(0);
  const [creating, setCreating] = useState(false);
  const [transfer, setTransfer] = useState<"export" | "import" | undefined>(undefined);
  const [findOpen, setFindOpen] = useState(false);
  const [live, setLive] = useState<LiveTree>({ state: "connecting", lastZxid: undefined, error: undefined });

  useEffect(() => {
    const onPop = () => setSelected(pathOfLocation());
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const select = useCallback((path: string) => {
    setSelected((current) => {
      if (current !== path) window.history.pushState(null, "", treeHrefOf(path));
      return path;
    });
  }, []);

  const expand = useCallback((paths: readonly string[]) => {
    setExpanded((current) => {
      if (paths.every((path) => current.has(path))) return current;
      return new Set([...current, ...paths]);
    });
  }, []);

  const toggle = useCallback((path: string) => {
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  }, []);

  /** Opens a path from search or a link: every ancestor expanded, the node selected and scrolled to. */
  const openPath = useCallback(
    (path: string) => {
      expand([...ancestorsOf(path), path]);
      select(path);
      setRevealToken((token) => token + 1);
    },
    [expand, select],
  );

  const clickRow = useCallback(
    (path: string) => {
      select(path);
      expand([path]);
    },
    [expand, select],
  );

  const deleteNode = useDeleteNode((path) => {
    setSelected((current) => {
      if (current !== path && !current.startsWith(`${path}/`)) return current;
      const parent = parentOf(path);
      window.history.replaceState(null, "", treeHrefOf(parent));
      return parent;
    });
  });

  return (
    <Box style={{ display: "flex", gap: "var(--mantine-spacing-md)", alignItems: "flex-start" }}>
      {/* Sticky and viewport-high: the virtualised list needs a bounded height; the node view scrolls with the page. */}
      <Card
        withBorder
        padding="sm"
        style={{
          width: 380,
          flexShrink: 0,
          display: "flex",
          flexDirection: "column",
          gap: 8,
          position: "sticky",
          top: STICKY_TOP_PX,
          height: `calc(100dvh - ${CHROME_HEIGHT_PX}px)`,
          minHeight: 480,
        }}
      >
        <Group justify="space-between">
          <Text fw={700}>Namespace</Text>
          <Tooltip
            label={
              live.error ?? (live.lastZxid ? `last event at zxid ${formatZxid(live.lastZxid)}` : "recursive watch on /")
            }
          >
            <Badge
              size="sm"
              variant="dot"
              color={live.state === "live" ? "teal" : live.state === "error" ? "red" : "yellow"}
              data-testid="tree-live"
              data-state={live.state}
              data-error={live.error}
            >
              {live.state === "live" ? "live" : live.state === "error" ? "watch failed" : "connecting"}
            </Badge>
          </Tooltip>
        </Group>
        <PathSearch onOpen={openPath} />
        <Box style={{ flex: 1, minHeight: 0 }}>
          <TreeBrowser
            expanded={expanded}
            selected={selected}
            filter={filter}
            onToggle={toggle}
            onSelect={clickRow}
            onFilterChange={(text) => setFilter({ path: selected, text })}
            revealToken={revealToken}
          />
        </Box>
        <UnstyledButton onClick={() => setFindOpen((open) => !open)} data-testid="find-toggle">
          <Group gap={4}>
            {findOpen ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
            <Text size="sm" fw={600}>
              Search by name or content
            </Text>
          </Group>
        </UnstyledButton>
        <Collapse expanded={findOpen}>
          <FindPanel under={selected} onOpen={openPath} />
        </Collapse>
      </Card>
      <Box style={{ flex: 1, minWidth: 0 }}>
        <NodePanel
          path={selected}
          actions={{
            onCreate: () => setCreating(true),
            onDelete: (path) => void deleteNode(path),
            onTransfer: setTransfer,
          }}
        />
      </Box>
      <LiveTreeWatch onChange={setLive} />
      <CreateNodeModal
        parent={selected}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(path) => {
          setCreating(false);
          expand([parentOf(path)]);
        }}
      />
      {transfer !== undefined ? (
        <SubtreeTransferModal
          path={selected}
          opened
          initialTab={transfer}
          onClose={() => setTransfer(undefined)}
          onImported={(parent) => expand([parent])}
        />
      ) : null}
    </Box>
  );
}
