// Checks the peer secret file format: surrounding whitespace is ignored, a secret under 32 bytes or
// a file too big to be a secret is refused with a message saying how to make a good one, and any
// bytes (not only UTF-8 text) make a secret.
import { describe, expect, it } from "vitest";
import { parsePeerSecret, peerSecretFileBytesMax } from "./peer-secret.js";

const text = (value: string) => new TextEncoder().encode(value);
const hex64 = "a".repeat(64);

describe("parsePeerSecret", () => {
  const accepted: [string, Uint8Array, Uint8Array][] = [
    ["openssl rand -hex 32 output with its newline", text(`${hex64}\n`), text(hex64)],
    ["a secret wrapped in spaces and CRLF", text(`  ${hex64}\r\n`), text(hex64)],
    ["exactly 32 bytes", text("x".repeat(32)), text("x".repeat(32))],
    [
      "raw random bytes",
      Uint8Array.from({ length: 32 }, (_, index) => 0x80 + index),
      Uint8Array.from({ length: 32 }, (_, index) => 0x80 + index),
    ],
  ];
  for (const [name, contents, key] of accepted) {
    it(`accepts ${name}`, () => {
      expect(parsePeerSecret(contents)).toEqual({ type: "ok", key });
    });
  }

  const refused: [string, Uint8Array, string][] = [
    ["an empty file", text(""), "holds 0 bytes, fewer than the 32"],
    ["whitespace only", text(" \n\t\n"), "holds 0 bytes"],
    ["31 bytes padded with whitespace to 40", text(`  ${"y".repeat(31)}       `), "holds 31 bytes"],
    [
      "a file too big to be a secret",
      new Uint8Array(peerSecretFileBytesMax + 1).fill(0x61),
      "more than a secret file holds",
    ],
  ];
  for (const [name, contents, message] of refused) {
    it(`refuses ${name}`, () => {
      const parsed = parsePeerSecret(contents);
      expect(parsed.type).toBe("error");
      expect(parsed.type === "error" && parsed.message).toContain(message);
    });
  }

  it("says how to create a good secret", () => {
    const parsed = parsePeerSecret(text("short"));
    expect(parsed.type === "error" && parsed.message).toContain("openssl rand -hex 32 > peer.secret");
  });
});
