/**
 * The client's connection state machine, pure (time comes in as numbers). It holds the client-side
 * rule of docs/api.md ("Sessions: the client-side rule"): a session is trusted only while a serving
 * member confirmed it less than `timeout × 2/3` ago, measured from when the confirming request was
 * SENT (the server touched the session no earlier than that). After that the client is `suspect`:
 * recipes treat the session as lost before the leader could have expired it (the leader expires no
 * earlier than a full timeout after the last touch it received).
 *
 *   connecting ──attached──▶ connected ──connectionLost──▶ disconnected ──deadline──▶ suspect
 *        ▲                       ▲  │                           │                       │
 *        └───────────────────────┴──┴──────────attached─────────┴───────────────────────┘
 *   any ──expired──▶ expired (final)      any ──closed──▶ closed (final)
 *
 * A `connected` client whose confirmations stop arriving also becomes `suspect` at the deadline
 * (a member that hangs without closing the socket).
 */

export type ConnectionStateName = "connecting" | "connected" | "disconnected" | "suspect" | "expired" | "closed";

export type ConnectionState =
  | { readonly name: "connecting" }
  | { readonly name: "connected"; readonly member: string; readonly serverId: number }
  | { readonly name: "disconnected"; readonly reason: string }
  | { readonly name: "suspect"; readonly reason: string }
  | { readonly name: "expired"; readonly reason: string }
  | { readonly name: "closed"; readonly reason: string };

export type StateInput =
  | { readonly type: "attached"; readonly member: string; readonly serverId: number; readonly sentAt: number }
  | { readonly type: "confirmed"; readonly sentAt: number }
  | { readonly type: "connectionLost"; readonly reason: string }
  | { readonly type: "tick"; readonly now: number }
  | { readonly type: "expired"; readonly reason: string }
  | { readonly type: "closed"; readonly reason: string };

/** The fraction of the session timeout after which an unconfirmed session counts as possibly expired. */
export const SUSPECT_FRACTION = 2 / 3;

export function suspectDeadline(lastConfirmedAt: number, timeoutMs: number): number {
  return lastConfirmedAt + Math.floor(timeoutMs * SUSPECT_FRACTION);
}

export function isFinal(state: ConnectionState): boolean {
  return state.name === "expired" || state.name === "closed";
}

/** True while recipes may act on the session (it is confirmed recently by a serving member). */
export function isTrusted(state: ConnectionState): boolean {
  return state.name === "connected";
}

export class SessionStateMachine {
  private current: ConnectionState = { name: "connecting" };
  /** When the last confirming request was sent; -Infinity before the first confirmation. */
  private confirmedAt = Number.NEGATIVE_INFINITY;

  constructor(private timeoutMs: number) {
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  }

  get state(): ConnectionState {
    return this.current;
  }

  get lastConfirmedAt(): number {
    return this.confirmedAt;
  }

  /** The negotiated timeout can change when a member clamps it. */
  setTimeoutMs(timeoutMs: number): void {
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
    this.timeoutMs = timeoutMs;
  }

  /** When the client turns suspect unless confirmed again. */
  get deadline(): number {
    return suspectDeadline(this.confirmedAt, this.timeoutMs);
  }

  /** Applies one input; returns the new state when it changed, undefined otherwise. */
  apply(input: StateInput): ConnectionState | undefined {
    if (isFinal(this.current)) return undefined;
    switch (input.type) {
      case "attached":
        this.confirmedAt = Math.max(this.confirmedAt, input.sentAt);
        return this.change({ name: "connected", member: input.member, serverId: input.serverId });
      case "confirmed":
        this.confirmedAt = Math.max(this.confirmedAt, input.sentAt);
        return undefined;
      case "connectionLost":
        if (this.current.name !== "connected") return undefined;
        return this.change({ name: "disconnected", reason: input.reason });
      case "tick": {
        if (this.current.name === "connecting" || this.current.name === "suspect") return undefined;
        if (input.now < this.deadline) return undefined;
        const reason =
          this.current.name === "disconnected"
            ? `${this.current.reason}; no serving member confirmed the session for ${Math.floor(this.timeoutMs * SUSPECT_FRACTION)} ms`
            : `no serving member confirmed the session for ${Math.floor(this.timeoutMs * SUSPECT_FRACTION)} ms`;
        return this.change({ name: "suspect", reason });
      }
      case "expired":
        return this.change({ name: "expired", reason: input.reason });
      case "closed":
        return this.change({ name: "closed", reason: input.reason });
    }
  }

  private change(next: ConnectionState): ConnectionState | undefined {
    const same =
      next.name === this.current.name &&
      (next.name !== "connected" || (this.current.name === "connected" && this.current.member === next.member));
    this.current = next;
    return same ? undefined : next;
  }
}
