/** tokens: the token format (made and parsed strictly), the digests against fixed vectors, and the comparison helper. */
import { describe, expect, it } from "vitest";
import { constantTimeEqual, csrfTokenOf, newToken, parseToken, secretDigest } from "./tokens.js";

const SECRET = "A".repeat(43); // 32 zero bytes
const TOKEN = `keel_0123456789abcdef_${SECRET}`;

describe("newToken", () => {
  it("makes keel_<16 hex>_<43 base64url> that parseToken splits back", () => {
    const made = newToken();
    expect(made.token).toMatch(/^keel_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(made.token).toBe(`keel_${made.tokenId}_${made.secret}`);
    expect(parseToken(made.token)).toEqual({ tokenId: made.tokenId, secret: made.secret });
    expect(Buffer.from(made.secret, "base64url")).toHaveLength(32);
  });

  it("never repeats", () => {
    const tokens = Array.from({ length: 200 }, () => newToken());
    expect(new Set(tokens.map((t) => t.tokenId)).size).toBe(200);
    expect(new Set(tokens.map((t) => t.secret)).size).toBe(200);
  });
});

describe("parseToken", () => {
  it.each([
    { case: "well formed", text: TOKEN, parsed: { tokenId: "0123456789abcdef", secret: SECRET } },
    { case: "with - and _ in the secret", text: `keel_0123456789abcdef_-_${"A".repeat(41)}`, parsed: true },
    { case: "upper-case hex id", text: `keel_0123456789ABCDEF_${SECRET}`, parsed: undefined },
    { case: "15-char id", text: `keel_0123456789abcde_${SECRET}`, parsed: undefined },
    { case: "42-char secret", text: `keel_0123456789abcdef_${"A".repeat(42)}`, parsed: undefined },
    { case: "44-char secret", text: `keel_0123456789abcdef_${"A".repeat(44)}`, parsed: undefined },
    { case: "padded secret", text: `keel_0123456789abcdef_${"A".repeat(42)}=`, parsed: undefined },
    { case: "standard base64 chars", text: `keel_0123456789abcdef_+/${"A".repeat(41)}`, parsed: undefined },
    // 43 chars hold 258 bits; "B" as the last char sets a spare bit newToken never sets.
    { case: "non-canonical last char", text: `keel_0123456789abcdef_${"A".repeat(42)}B`, parsed: undefined },
    { case: "other prefix", text: `Keel_0123456789abcdef_${SECRET}`, parsed: undefined },
    { case: "trailing newline", text: `${TOKEN}\n`, parsed: undefined },
    { case: "leading space", text: ` ${TOKEN}`, parsed: undefined },
    { case: "empty", text: "", parsed: undefined },
  ])("$case", ({ text, parsed }) => {
    const result = parseToken(text);
    if (parsed === true) expect(result).toBeDefined();
    else expect(result).toEqual(parsed);
  });
});

describe("digests", () => {
  it("secretDigest is lowercase hex SHA-256", () => {
    expect(secretDigest("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(secretDigest(SECRET)).toBe("0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a");
  });

  it('csrfTokenOf is the first 32 hex chars of SHA-256("keel-csrf\\0" + token)', () => {
    expect(csrfTokenOf(TOKEN)).toBe("f6bb19cbfc745e14d5a101d22faa3165");
    expect(csrfTokenOf(newToken().token)).not.toBe(csrfTokenOf(TOKEN));
  });
});

describe("constantTimeEqual", () => {
  it.each([
    { a: "abc", b: "abc", equal: true },
    { a: "", b: "", equal: true },
    { a: "abc", b: "abd", equal: false },
    { a: "abc", b: "abcd", equal: false },
    { a: "", b: "a", equal: false },
    { a: "é", b: "e\u0301", equal: false },
  ])("$a vs $b → $equal", ({ a, b, equal }) => {
    expect(constantTimeEqual(a, b)).toBe(equal);
  });
});
