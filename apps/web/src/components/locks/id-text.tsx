"use client";

/** Ids as operators read them: monospace hex like ZooKeeper, the decimal the API uses on hover. */
import { Text, Tooltip } from "@mantine/core";
import { formatSessionId, formatZxid } from "../../lib/format";

export function SessionIdText({ sessionId, size = "sm" }: { sessionId: string; size?: string }) {
  return (
    <Tooltip label={`session ${sessionId}`} openDelay={300}>
      <Text span ff="monospace" size={size}>
        {formatSessionId(sessionId)}
      </Text>
    </Tooltip>
  );
}

export function ZxidText({ zxid, size = "sm" }: { zxid: string; size?: string }) {
  return (
    <Tooltip label={`zxid ${zxid}`} openDelay={300}>
      <Text span ff="monospace" size={size}>
        {formatZxid(zxid)}
      </Text>
    </Tooltip>
  );
}
