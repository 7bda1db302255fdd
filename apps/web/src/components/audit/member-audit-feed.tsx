"use client";

/**
 * Follows one member's `audit.events` (its recent records, then live) and hands each record to
 * the page. Renders nothing; reports the stream's state so the page can say which members it hears.
 */
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect } from "react";
import { useMemberTrpc } from "../../trpc/providers";
import { useRetryOnError } from "../metrics/use-retry-on-error";
import type { AuditRecordView } from "./audit-feed";

/** Records each member replays when the feed opens. */
export const AUDIT_BACKLOG = 200;

const INPUT = { backlog: AUDIT_BACKLOG };

/** The member's `audit.events`, renders nothing. */
export function MemberAuditFeed({
  url,
  onRecord,
  onStatus,
}: {
  url: string;
  onRecord: (record: AuditRecordView) => void;
  onStatus: (url: string, status: string, error: string | null) => void;
}) {
  const trpc = useMemberTrpc(url);
  const result = useSubscription(
    trpc.audit.events.subscriptionOptions(INPUT, {
      onData: onRecord,
    }),
  );
  useRetryOnError(result);
  const status = result.status;
  const error = result.error?.message ?? null;
  useEffect(() => onStatus(url, status, error), [url, status, error, onStatus]);
  return null;
}
