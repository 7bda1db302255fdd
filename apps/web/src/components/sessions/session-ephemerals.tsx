"use client";

/**
 * A session's ephemeral nodes, for the expanded row. `node.ephemerals` needs the session's secret,
 * which an operator does not have, so the console scans the tree with `node.find` (every node,
 * bounded) and keeps the nodes this session owns. On a large tree the scan stops at its bound and
 * the page says the list may be incomplete (the count in the row is exact).
 */
import { Anchor, Group, List, Loader, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPCClient } from "../../trpc/providers";

const SCAN_MATCHES_MAX = 1000;

export function SessionEphemerals({ sessionId, count }: { sessionId: string; count: number }) {
  const client = useTRPCClient();
  const scan = useQuery({
    queryKey: ["session-ephemerals-scan", sessionId, count],
    queryFn: () => client.node.find.query({ path: "/", limit: SCAN_MATCHES_MAX }),
    enabled: count > 0,
  });
  if (count === 0)
    return (
      <Text size="sm" c="dimmed">
        No ephemeral nodes.
      </Text>
    );
  if (scan.isPending) return <Loader size="xs" />;
  if (scan.error)
    return (
      <Text size="sm" c="red">
        Could not scan the tree: {scan.error.message}
      </Text>
    );
  const owned = scan.data.matches.filter((match) => match.stat.ephemeralOwner === sessionId);
  return (
    <>
      <List size="sm" spacing={2} data-testid="session-ephemerals">
        {owned.map((match) => (
          <List.Item key={match.path}>
            <Anchor component={Link} href={`/tree${match.path}`} ff="monospace" size="sm">
              {match.path}
            </Anchor>
          </List.Item>
        ))}
      </List>
      {scan.data.truncated && owned.length < count ? (
        <Group gap={4}>
          <Text size="xs" c="dimmed">
            Showing {owned.length} of {count}: the scan stopped after {scan.data.scanned} nodes.
          </Text>
        </Group>
      ) : null}
    </>
  );
}
