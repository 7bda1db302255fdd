// Checks the `id=host:peerPort:clientPort[:role]` peer form: parsing, IPv6 brackets, round-trip
// through formatPeerSpec, and the messages for malformed specs.
import { describe, expect, it } from "vitest";
import { formatPeerSpec, parsePeerSpec } from "./peer-address.js";

describe("parsePeerSpec", () => {
  it("parses voters, observers and bracketed IPv6 hosts, and round-trips", () => {
    for (const text of ["1=127.0.0.1:7001:8001", "4=db-4.internal:7004:8004:observer", "2=[::1]:7002:8002"]) {
      const parsed = parsePeerSpec(text);
      expect(parsed.type).toBe("ok");
      if (parsed.type === "ok") expect(formatPeerSpec(parsed.peer)).toBe(text);
    }
    expect(parsePeerSpec("2=[::1]:7002:8002")).toEqual({
      type: "ok",
      peer: { id: 2, host: "::1", peerPort: 7002, clientPort: 8002, role: "voter" },
    });
  });

  it("explains what is wrong", () => {
    const message = (text: string) => {
      const parsed = parsePeerSpec(text);
      return parsed.type === "error" ? parsed.message : "";
    };
    expect(message("127.0.0.1:7001:8001")).toContain("missing 'id='");
    expect(message("x=h:1:2")).toContain("the id must be an integer");
    expect(message("1=h")).toContain("missing ports");
    expect(message("1=h:7001")).toContain("expected two ports");
    expect(message("1=[::1:7001:8001")).toContain("unclosed '['");
    expect(message("1=h:7001:8001:boss")).toContain('unknown role "boss"');
  });
});
