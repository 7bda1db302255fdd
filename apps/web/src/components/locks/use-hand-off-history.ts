"use client";

import type { LogEntryView } from "@keel/api";
/**
 * Who held a recipe instance over time: its audit feed (`log.events` under the instance, the last
 * AUDIT_ENTRIES_MAX entries then live) replayed by core's handOffHistory, newest first.
 */
import { type AuditEntry, type HandOff, handOffHistory, type QueueRecipe } from "@keel/core";
import { useMemo, useState } from "react";
import { AUDIT_ENTRIES_MAX, addAuditEntry } from "./audit-log";
import { useLiveStream } from "./use-live-stream";

export function useHandOffHistory(
  dir: string,
  recipe: QueueRecipe,
  permits: number | undefined,
): { handOffs: HandOff[]; error: string | undefined } {
  const [entries, setEntries] = useState<readonly AuditEntry[]>([]);
  // A restarted stream replays the backlog again; addAuditEntry drops what is already held.
  const stream = useLiveStream<{ data: LogEntryView }>(
    `log:${dir}`,
    (client, callbacks) => client.log.events.subscribe({ pathPrefix: dir, backlog: AUDIT_ENTRIES_MAX }, callbacks),
    { onData: ({ data }) => setEntries((current) => addAuditEntry(current, data, dir)) },
  );
  const handOffs = useMemo(
    () => handOffHistory(entries, permits === undefined ? { recipe } : { recipe, permits }).reverse(),
    [entries, recipe, permits],
  );
  return { handOffs, error: stream.error };
}
