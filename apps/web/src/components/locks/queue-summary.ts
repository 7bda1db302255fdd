/**
 * The Locks page's headline numbers over every instance: how many are held, how many clients
 * wait, and who has waited longest (the first thing an operator chasing a stuck job asks). Pure.
 */
import type { QueueDisplay } from "./queue-display";

export interface QueueSummary {
  readonly instances: number;
  readonly held: number;
  readonly holders: number;
  /** Waiters known to wait (a semaphore's undecided contenders are not counted). */
  readonly waiting: number;
  readonly longestWait:
    | { readonly name: string; readonly kind: QueueDisplay["kind"]; readonly sinceMs: number }
    | undefined;
}

export function summarizeQueues(displays: readonly QueueDisplay[]): QueueSummary {
  let held = 0;
  let holders = 0;
  let waiting = 0;
  let longestWait: QueueSummary["longestWait"];
  for (const display of displays) {
    if (display.holders.length > 0) held += 1;
    holders += display.holders.length;
    for (const waiter of display.waiters) {
      if (waiter.waitsFor.type === "unknown") continue;
      waiting += 1;
      if (longestWait === undefined || waiter.sinceMs < longestWait.sinceMs) {
        longestWait = { name: display.name, kind: display.kind, sinceMs: waiter.sinceMs };
      }
    }
  }
  return { instances: displays.length, held, holders, waiting, longestWait };
}
