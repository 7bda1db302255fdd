/**
 * Live status of every member, from each member's own `cluster.events` stream (pushed on every
 * change and at least every 500 ms). A member whose stream errored, or that sent nothing for
 * STALE_AFTER_MS, is shown as down: a killed member turns red within about a second.
 */
import type { MemberStatusView } from "@keel/api";
import { memberClient } from "./member-client";

/** Two missed pushes and a margin: the server pushes at least every 500 ms (API_STATUS_PUSH_MS). */
export const STALE_AFTER_MS = 1200;
const RECHECK_MS = 250;
const RESUBSCRIBE_MS = 500;

export interface MemberLive {
  readonly url: string;
  /** The last status the member sent; kept while it is down so the page can say what it was. */
  readonly status: MemberStatusView | null;
  /** Browser time of the last status received. */
  readonly lastSeenMs: number | null;
  readonly up: boolean;
  /** Why the stream failed, while it is down. */
  readonly error: string | null;
}

type Listener = () => void;

export class MemberStatusStore {
  private members: MemberLive[];
  private readonly listeners = new Set<Listener>();
  private readonly stops: (() => void)[] = [];

  constructor(private readonly urls: readonly string[]) {
    this.members = urls.map((url) => ({ url, status: null, lastSeenMs: null, up: false, error: null }));
  }

  start(): void {
    for (const [index, url] of this.urls.entries()) this.follow(url, index);
    const timer = setInterval(() => this.markStale(), RECHECK_MS);
    this.stops.push(() => clearInterval(timer));
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): readonly MemberLive[] => this.members;

  /**
   * wsLink re-sends the subscription itself after a reconnect; a stream the server ended (or
   * failed) is started again here after a pause.
   */
  private follow(url: string, index: number): void {
    let stopped = false;
    let unsubscribe = () => {};
    let retry: ReturnType<typeof setTimeout> | undefined;
    const again = () => {
      if (!stopped) retry = setTimeout(open, RESUBSCRIBE_MS);
    };
    const open = () => {
      const subscription = memberClient(url).client.cluster.events.subscribe(undefined, {
        onData: (status) => this.update(index, { status, lastSeenMs: Date.now(), up: true, error: null }),
        onError: (error) => {
          this.update(index, { up: false, error: error.message });
          again();
        },
        onComplete: again,
        onConnectionStateChange: (state) => {
          if (state.state === "connecting" && state.error)
            this.update(index, { up: false, error: state.error.message });
        },
      });
      unsubscribe = () => subscription.unsubscribe();
    };
    open();
    this.stops.push(() => {
      stopped = true;
      clearTimeout(retry);
      unsubscribe();
    });
  }

  private markStale(): void {
    const now = Date.now();
    this.members.forEach((member, index) => {
      if (member.up && (member.lastSeenMs === null || now - member.lastSeenMs > STALE_AFTER_MS)) {
        this.update(index, { up: false, error: `no status for ${STALE_AFTER_MS} ms` });
      }
    });
  }

  private update(index: number, change: Partial<MemberLive>): void {
    const current = this.members[index];
    if (current === undefined) return;
    this.members = this.members.map((member, i) => (i === index ? { ...current, ...change } : member));
    for (const listener of this.listeners) listener();
  }
}

/**
 * The member the data pages talk to: the current one while it is up and serving, else the first
 * member that is; undefined while none is (the pages say so instead of showing stale data).
 */
export function choosePrimary(members: readonly MemberLive[], current: string | undefined): string | undefined {
  const serving = (member: MemberLive) => member.up && member.status?.state === "serving";
  const kept = members.find((member) => member.url === current);
  if (kept !== undefined && serving(kept)) return kept.url;
  return members.find(serving)?.url;
}
