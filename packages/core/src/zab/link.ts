/**
 * One leader-learner connection (zab/messages.ts): a connection id chosen by the learner and a
 * sequence number per direction. A gap means a message was lost or reordered: the connection is
 * broken, as a TCP reset would break it.
 */
import type { Link, LinkBody, PeerMessage } from "./messages.js";

export type LinkVerdict = "ok" | "stale" | "gap";

export class LinkState {
  private seqOut = 0;
  private seqIn = 0;

  constructor(readonly connection: number) {}

  /** The next outgoing message on this link. */
  wrap(body: LinkBody): PeerMessage {
    this.seqOut += 1;
    return { ...body, connection: this.connection, seq: this.seqOut } as PeerMessage;
  }

  /** Checks an incoming message: `stale` (other connection or a duplicate) is ignored, `gap` breaks the link. */
  accept(link: Link): LinkVerdict {
    if (link.connection !== this.connection || link.seq <= this.seqIn) return "stale";
    if (link.seq !== this.seqIn + 1) return "gap";
    this.seqIn = link.seq;
    return "ok";
  }
}
