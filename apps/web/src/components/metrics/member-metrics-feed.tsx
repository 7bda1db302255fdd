"use client";

/** Follows one member's `cluster.metrics` stream and hands each sample to the page. Renders nothing. */
import type { MetricsSampleView } from "@keel/api";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemberTrpc } from "../../trpc/providers";
import { useRetryOnError } from "./use-retry-on-error";

/** Matches the charts' one-second buckets. */
export const METRICS_INTERVAL_MS = 1000;

export function MemberMetricsFeed({
  url,
  onSample,
}: {
  url: string;
  onSample: (url: string, sample: MetricsSampleView) => void;
}) {
  const trpc = useMemberTrpc(url);
  const result = useSubscription(
    trpc.cluster.metrics.subscriptionOptions(
      { intervalMs: METRICS_INTERVAL_MS },
      { onData: (sample) => onSample(url, sample) },
    ),
  );
  useRetryOnError(result);
  return null;
}
