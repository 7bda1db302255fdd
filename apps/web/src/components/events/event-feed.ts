/**
 * The audit feed's buffer: entries in zxid order, at most `max`, with a pause that keeps receiving
 * into a pending list the operator can look at when they resume. Pure: event-feed.test.ts.
 */
import type { LogEntryView } from "@keel/api";

/** Entries the page keeps (older ones fall off). */
export const EVENT_FEED_MAX = 2000;

export interface EventFeed {
  /** Shown entries, oldest first. */
  readonly entries: readonly LogEntryView[];
  /** Received while paused, oldest first (bounded like `entries`). */
  readonly pending: readonly LogEntryView[];
  /** Pending entries dropped for the bound: "N new" counts them too. */
  readonly pendingDropped: number;
  readonly paused: boolean;
  /** The highest zxid received: a replay after switching members must not repeat entries. */
  readonly lastZxid: bigint | null;
}

export const EMPTY_FEED: EventFeed = { entries: [], pending: [], pendingDropped: 0, paused: false, lastZxid: null };

export type EventFeedAction =
  | { type: "received"; entry: LogEntryView }
  | { type: "pause" }
  | { type: "resume" }
  | { type: "clear" };

function zxidOf(entry: LogEntryView): bigint | null {
  try {
    return BigInt(entry.zxid);
  } catch {
    return null;
  }
}

function bounded<T>(list: readonly T[], max: number): readonly T[] {
  return list.length > max ? list.slice(list.length - max) : list;
}

export function eventFeedReducer(feed: EventFeed, action: EventFeedAction, max = EVENT_FEED_MAX): EventFeed {
  switch (action.type) {
    case "received": {
      const zxid = zxidOf(action.entry);
      if (zxid === null || (feed.lastZxid !== null && zxid <= feed.lastZxid)) return feed;
      if (feed.paused) {
        const pending = [...feed.pending, action.entry];
        const dropped = pending.length > max ? pending.length - max : 0;
        return {
          ...feed,
          pending: bounded(pending, max),
          pendingDropped: feed.pendingDropped + dropped,
          lastZxid: zxid,
        };
      }
      return { ...feed, entries: bounded([...feed.entries, action.entry], max), lastZxid: zxid };
    }
    case "pause":
      return feed.paused ? feed : { ...feed, paused: true };
    case "resume":
      return {
        ...feed,
        paused: false,
        entries: bounded([...feed.entries, ...feed.pending], max),
        pending: [],
        pendingDropped: 0,
      };
    case "clear":
      return EMPTY_FEED;
    default:
      return unreachable(action);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected action ${JSON.stringify(value)}`);
}

/** How many entries arrived while paused. */
export function pendingCount(feed: EventFeed): number {
  return feed.pending.length + feed.pendingDropped;
}

/** The client-side op filter: every op when none is chosen. */
export function visibleEntries(entries: readonly LogEntryView[], ops: readonly string[]): LogEntryView[] {
  const newestFirst = [...entries].reverse();
  return ops.length === 0 ? newestFirst : newestFirst.filter((entry) => ops.includes(entry.op));
}
