// Checks the peer handshake codec and its rules: wrong magic, protocol version, ensemble, unknown id,
// own id, the wrong server answering a dial, and the only-the-higher-id-dials tie-break.
import { describe, expect, it } from "vitest";
import { checkHello, decodeHello, encodeHello, type HandshakeRules, peerProtocolVersion } from "./handshake.js";
import type { PeerAddress } from "./peer-address.js";

const peers: PeerAddress[] = [1, 2, 3].map((id) => ({
  id,
  host: "127.0.0.1",
  peerPort: 7000 + id,
  clientPort: 8000 + id,
  role: "voter",
}));
const rules: HandshakeRules = { selfId: 2, ensembleId: "prod", peers };
const hello = (serverId: number, ensembleId = "prod", protocolVersion = peerProtocolVersion) =>
  encodeHello({ serverId, ensembleId, protocolVersion });

describe("handshake", () => {
  it("round-trips a hello", () => {
    expect(decodeHello(hello(3, "ensemble-ü"))).toEqual({
      type: "ok",
      hello: { serverId: 3, ensembleId: "ensemble-ü", protocolVersion: peerProtocolVersion },
    });
  });

  it("accepts a higher id inbound and the dialed id outbound", () => {
    expect(checkHello(hello(3), rules, { type: "inbound" })).toEqual({ type: "accepted", peerId: 3 });
    expect(checkHello(hello(1), rules, { type: "outbound", dialedId: 1 })).toEqual({ type: "accepted", peerId: 1 });
  });

  const rejections: [string, Uint8Array, "inbound" | number, string][] = [
    ["garbage", new TextEncoder().encode("GET / HTTP/1.1"), "inbound", "bad magic"],
    ["a truncated hello", hello(3).subarray(0, 9), "inbound", "length mismatch"],
    ["another protocol version", hello(3, "prod", 99), "inbound", "protocol version 99"],
    ["another ensemble", hello(3, "staging"), "inbound", 'belongs to ensemble "staging", not "prod"'],
    ["an id not in the peer list", hello(9), "inbound", "server 9 is not in the configured peer list"],
    ["this server's own id", hello(2), "inbound", "own id 2"],
    ["a lower id dialing in", hello(1), "inbound", "only the higher id dials"],
    ["the wrong server answering a dial", hello(3), 1, "dialed server 1 but server 3 answered"],
  ];
  for (const [name, bytes, direction, reason] of rejections) {
    it(`rejects ${name}`, () => {
      const check = checkHello(
        bytes,
        rules,
        direction === "inbound" ? { type: "inbound" } : { type: "outbound", dialedId: direction },
      );
      expect(check.type).toBe("rejected");
      expect(check.type === "rejected" && check.reason).toContain(reason);
    });
  }
});
