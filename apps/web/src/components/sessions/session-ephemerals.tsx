"use client";

/**
 * A session's ephemeral nodes, for the expanded row, from `session.ephemerals` (the operator's
 * listing by session id; `node.ephemerals` would need the session's secret). At most
 * EPHEMERALS_SHOWN_MAX are listed; the count in the row is always exact.
 */
import { Anchor, List, Loader, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect } from "react";
import { useTRPC } from "../../trpc/providers";

const EPHEMERALS_SHOWN_MAX = 1000;

export function SessionEphemerals({ sessionId, count }: { sessionId: string; count: number }) {
  const trpc = useTRPC();
  const listing = useQuery({
    ...trpc.session.ephemerals.queryOptions({ sessionId, limit: EPHEMERALS_SHOWN_MAX }),
    enabled: count > 0,
  });
  // The row's count comes live from session.list; a new count means the list changed.
  const { refetch } = listing;
  useEffect(() => {
    if (count > 0) void refetch();
  }, [count, refetch]);
  if (count === 0)
    return (
      <Text size="sm" c="dimmed">
        No ephemeral nodes.
      </Text>
    );
  if (listing.isPending) return <Loader size="xs" />;
  if (listing.error)
    return (
      <Text size="sm" c="red">
        Could not list the ephemerals: {listing.error.message}
      </Text>
    );
  return (
    <>
      <List size="sm" spacing={2} data-testid="session-ephemerals">
        {listing.data.paths.map((path) => (
          <List.Item key={path}>
            <Anchor component={Link} href={`/tree${path}`} ff="monospace" size="sm">
              {path}
            </Anchor>
          </List.Item>
        ))}
      </List>
      {listing.data.truncated ? (
        <Text size="xs" c="dimmed">
          Showing the first {listing.data.paths.length} of {count}.
        </Text>
      ) : null}
    </>
  );
}
