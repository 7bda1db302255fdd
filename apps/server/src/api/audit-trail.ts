/**
 * This member's audit trail: every audit record is written as an `audit` log line (at info, even
 * when the server logs only warnings: an audit trail is not verbosity to turn down) and kept in a
 * bounded ring for the console's feed (`audit.events`), which replays the ring and then follows.
 *
 * Refused authentications come in floods when someone guesses: past the failure limiter's block
 * they are recorded at most once per address per `quietMs`, so a flood cannot push everything
 * else out of the ring or the log.
 */
import type { AuditFeed, AuditRecord, AuditRecordView, AuditSink } from "@keel/api";
import { API_AUDIT_BACKLOG_MAX } from "@keel/api";
import type { Logger } from "pino";
import { AsyncQueue } from "./async-queue.js";

/** Records one feed subscriber may fall behind before it is failed (and resubscribes). */
const AUDIT_FEED_BACKLOG_MAX = 10_000;
/** Addresses whose throttled refusals are being muted; past it the oldest is forgotten. */
const MUTED_ADDRESSES_MAX = 10_000;

export class AuditTrail implements AuditFeed {
  private readonly ring: AuditRecordView[] = [];
  private readonly listeners = new Set<(record: AuditRecordView) => void>();
  private readonly mutedUntil = new Map<string, number>();
  private readonly log: Logger;

  constructor(
    logger: Logger,
    private readonly serverId: number,
    private readonly clock: () => number,
    private readonly quietMs = 10_000,
    private readonly ringMax = API_AUDIT_BACKLOG_MAX,
  ) {
    const level = logger.level === "silent" ? "silent" : "info";
    this.log = logger.child({ component: "audit" }, { level });
  }

  /** The sink the API and the identification code write to. */
  readonly sink: AuditSink = (record) => this.record(record);

  record(record: AuditRecord): void {
    const timeMs = this.clock();
    if (this.muted(record, timeMs)) return;
    const view: AuditRecordView = { ...record, timeMs, serverId: this.serverId };
    this.log.info({ audit: record }, `audit: ${record.action} ${record.outcome}`);
    this.ring.push(view);
    if (this.ring.length > this.ringMax) this.ring.shift();
    for (const listener of this.listeners) listener(view);
  }

  events(backlog: number, signal: AbortSignal): AsyncIterable<AuditRecordView> {
    const queue = new AsyncQueue<AuditRecordView>(AUDIT_FEED_BACKLOG_MAX, signal);
    // Replay and subscribe in one synchronous block: nothing recorded in between is lost.
    for (const view of this.ring.slice(Math.max(0, this.ring.length - backlog))) queue.push(view);
    const listener = (view: AuditRecordView) => queue.push(view);
    this.listeners.add(listener);
    const stop = () => this.listeners.delete(listener);
    signal.addEventListener("abort", stop, { once: true });
    return (async function* () {
      try {
        yield* queue;
      } finally {
        stop();
      }
    })();
  }

  /** A throttled refusal from an address already recorded within quietMs is dropped. */
  private muted(record: AuditRecord, nowMs: number): boolean {
    if (record.action !== "authFailed" || record.why === undefined || !record.why.startsWith("too many")) return false;
    const key = record.clientAddress?.replace(/:\d+$/, "") ?? "unknown";
    const until = this.mutedUntil.get(key);
    if (until !== undefined && until > nowMs) return true;
    this.mutedUntil.delete(key);
    this.mutedUntil.set(key, nowMs + this.quietMs);
    if (this.mutedUntil.size > MUTED_ADDRESSES_MAX) {
      const oldest = this.mutedUntil.keys().next().value;
      if (oldest !== undefined) this.mutedUntil.delete(oldest);
    }
    return false;
  }
}
