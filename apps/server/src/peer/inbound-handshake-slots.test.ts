// Checks which pending inbound handshake gives way to a newcomer: none below both caps; at the
// per-address cap the oldest from that address, at the total cap the oldest overall; and in either
// case a silent socket before one that sent a hello and got our challenge, so a silent flood never
// displaces a real member's handshake in progress.
import { describe, expect, it } from "vitest";
import { admitInbound, type PendingInbound, type SlotLimits } from "./inbound-handshake-slots.js";

const limits: SlotLimits = { pendingMax: 4, perAddressMax: 2 };

interface Pending extends PendingInbound {
  readonly name: string;
}
const silent = (name: string, remoteAddress: string): Pending => ({ name, remoteAddress, challenged: false });
const challenged = (name: string, remoteAddress: string): Pending => ({ name, remoteAddress, challenged: true });

describe("admitInbound", () => {
  const cases: [string, Pending[], string, string | undefined, string | undefined][] = [
    ["admits below both caps", [silent("a", "A")], "A", undefined, undefined],
    [
      "evicts the oldest from a full address",
      [silent("a1", "A"), silent("b1", "B"), silent("a2", "A")],
      "A",
      "a1",
      "addressFull",
    ],
    [
      "evicts a silent socket before an older handshake in progress",
      [challenged("real", "A"), silent("flood", "A")],
      "A",
      "flood",
      "addressFull",
    ],
    [
      "evicts the oldest in progress when none is silent",
      [challenged("a1", "A"), challenged("a2", "A")],
      "A",
      "a1",
      "addressFull",
    ],
    [
      "leaves other addresses alone under the per-address cap",
      [silent("b1", "B"), silent("a1", "A"), silent("a2", "A")],
      "A",
      "a1",
      "addressFull",
    ],
    [
      "evicts the oldest overall when the total is full",
      [silent("a", "A"), silent("b", "B"), silent("c", "C"), silent("d", "D")],
      "E",
      "a",
      "pendingFull",
    ],
    [
      "prefers a silent socket at the total cap too",
      [challenged("a", "A"), challenged("b", "B"), silent("c", "C"), challenged("d", "D")],
      "E",
      "c",
      "pendingFull",
    ],
  ];
  for (const [name, pending, address, victim, reason] of cases) {
    it(name, () => {
      const decision = admitInbound(pending, address, limits);
      if (victim === undefined) {
        expect(decision).toEqual({ type: "admit" });
      } else {
        expect(decision.type === "evictThenAdmit" && [decision.victim.name, decision.reason]).toEqual([victim, reason]);
      }
    });
  }
});
