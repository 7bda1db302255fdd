/**
 * Sessions one client address holds open through this server (`--sessions-per-address-max`), so
 * one client cannot fill the ensemble's session table (SESSIONS_MAX) alone. Counted per member:
 * a session is recorded by the member that opened it and forgotten once the replicated session
 * table no longer has it (closed or expired, wherever that happened), checked lazily on the next
 * open from the same address.
 */
import { keelError, type SessionId } from "@keel/core";

export class SessionsPerAddress {
  private readonly byAddress = new Map<string, Set<SessionId>>();

  constructor(
    private readonly max: number,
    private readonly isLive: (id: SessionId) => boolean,
  ) {}

  /** Throws QUOTAEXCEEDED when `ip` already holds `max` live sessions opened here. */
  admit(ip: string): void {
    const held = this.byAddress.get(ip);
    if (held === undefined || held.size < this.max) return;
    for (const id of held) if (!this.isLive(id)) held.delete(id);
    if (held.size >= this.max)
      throw keelError(
        "QUOTAEXCEEDED",
        `address ${ip} already holds ${held.size} sessions on this server (sessionsPerAddressMax); close some first`,
      );
  }

  opened(ip: string, id: SessionId): void {
    let held = this.byAddress.get(ip);
    if (held === undefined) {
      held = new Set();
      this.byAddress.set(ip, held);
    }
    held.add(id);
    // Prune now and then so addresses that stopped opening sessions do not keep their sets forever.
    if (held.size % 64 === 0) for (const known of held) if (!this.isLive(known)) held.delete(known);
  }
}
