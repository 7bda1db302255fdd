/**
 * Admission for the client port's connections, so idle WebSockets cannot lock everyone out:
 * WebSockets may use at most `connectionsMax - httpConnectionsReserved` connections (the rest stay
 * free for HTTP calls and /health, /metrics), at most `webSocketsPerAddressMax` from one address,
 * and a refused upgrade gets an HTTP answer (503 or 429 with Retry-After), never a reset. It also
 * counts what /mntr and /metrics report: open connections and WebSockets, packets in and out.
 */
import type { ServerMetrics } from "../ops/metrics.js";

export interface ConnectionLimits {
  readonly connectionsMax: number;
  readonly httpConnectionsReserved: number;
  readonly webSocketsPerAddressMax: number;
}

/** Why an upgrade was refused; the label of keel_client_connections_refused_total. */
export type RefusalReason = "websockets_full" | "address_full";

export type Admission = { readonly type: "admit" } | { readonly type: "refuse"; readonly reason: RefusalReason };

export class ClientConnections {
  private open = 0;
  private webSockets = 0;
  private readonly webSocketsByAddress = new Map<string, number>();
  private received = 0;
  private sent = 0;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly metrics: ServerMetrics,
  ) {}

  get webSocketsMax(): number {
    return this.limits.connectionsMax - this.limits.httpConnectionsReserved;
  }

  get connectionCount(): number {
    return this.open;
  }

  get webSocketCount(): number {
    return this.webSockets;
  }

  /** Client requests and WebSocket messages received, as ZooKeeper's mntr counts packets. */
  get packetsReceived(): number {
    return this.received;
  }

  /** HTTP responses and WebSocket messages sent. */
  get packetsSent(): number {
    return this.sent;
  }

  connectionOpened(): void {
    this.open += 1;
    this.metrics.clientConnections.set(this.open);
  }

  connectionClosed(): void {
    this.open -= 1;
    this.metrics.clientConnections.set(this.open);
  }

  /** Decides an upgrade before it happens; an admitted one must be matched by webSocketClosed. */
  admitWebSocket(address: string): Admission {
    if (this.webSockets >= this.webSocketsMax) return this.refuse("websockets_full");
    if ((this.webSocketsByAddress.get(address) ?? 0) >= this.limits.webSocketsPerAddressMax) {
      return this.refuse("address_full");
    }
    this.webSockets += 1;
    this.webSocketsByAddress.set(address, (this.webSocketsByAddress.get(address) ?? 0) + 1);
    this.metrics.clientWebSockets.set(this.webSockets);
    return { type: "admit" };
  }

  webSocketClosed(address: string): void {
    this.webSockets -= 1;
    const left = (this.webSocketsByAddress.get(address) ?? 1) - 1;
    if (left === 0) this.webSocketsByAddress.delete(address);
    else this.webSocketsByAddress.set(address, left);
    this.metrics.clientWebSockets.set(this.webSockets);
  }

  webSocketDropped(): void {
    this.metrics.clientWebSocketsDroppedTotal.inc({ reason: "no_pong" });
  }

  packetReceived(): void {
    this.received += 1;
  }

  packetSent(): void {
    this.sent += 1;
  }

  private refuse(reason: RefusalReason): Admission {
    this.metrics.clientConnectionsRefusedTotal.inc({ reason });
    return { type: "refuse", reason };
  }
}
