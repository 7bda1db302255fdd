// Checks ACL validation and `auth` expansion (fixupAcl), permission checks per scheme (user
// included), the super identities (configured ones and KEEL_SUPER_ID), and digest redaction for
// getACL without ADMIN.
import { describe, expect, it } from "vitest";
import { isKeelError } from "../errors.js";
import { checkAcl, fixupAcl, isSuper, KEEL_SUPER_ID, OPEN_ACL_UNSAFE, PERMS, redactAcl } from "./acl.js";

const none = { superIds: [] };

describe("fixupAcl", () => {
  it("expands auth to the caller's authenticated identities, not ip", () => {
    const auth = [
      { scheme: "ip", id: "1.2.3.4" },
      { scheme: "digest", id: "bob:h" },
    ];
    expect(fixupAcl([{ perms: PERMS.ALL, scheme: "auth", id: "" }], auth, "/a")).toEqual([
      { perms: PERMS.ALL, scheme: "digest", id: "bob:h" },
    ]);
  });

  it("expands auth to the caller's Keel user, not its ip", () => {
    const auth = [
      { scheme: "ip", id: "10.0.0.9" },
      { scheme: "user", id: "alice" },
    ];
    expect(fixupAcl([{ perms: PERMS.READ, scheme: "auth", id: "" }], auth, "/a")).toEqual([
      { perms: PERMS.READ, scheme: "user", id: "alice" },
    ]);
  });

  it.each(["alice", "a", "Bob.Smith_2-x", "0", "x".repeat(64)])("accepts the user name %j", (id) => {
    expect(fixupAcl([{ perms: PERMS.ALL, scheme: "user", id }], [], "/a")).toEqual([
      { perms: PERMS.ALL, scheme: "user", id },
    ]);
  });

  it.each(["", ".alice", "-a", "_a", "al ice", "al:ice", "a/b", "x".repeat(65), "élise"])(
    "rejects the user name %j with INVALIDACL",
    (id) => {
      const result = fixupAcl([{ perms: PERMS.ALL, scheme: "user", id }], [], "/a");
      expect(isKeelError(result) && result.code).toBe("INVALIDACL");
      expect(isKeelError(result) && result.message).toContain("user id");
    },
  );

  it.each([
    [[], "empty"],
    [[{ perms: 32, scheme: "world", id: "anyone" }], "perms"],
    [[{ perms: 1, scheme: "world", id: "bob" }], "anyone"],
    [[{ perms: 1, scheme: "digest", id: "nocolon" }], "user:hash"],
    [[{ perms: 1, scheme: "ip", id: "300.1.1.1" }], "address"],
    [[{ perms: 1, scheme: "magic", id: "x" }], "unknown"],
  ])("rejects %j with INVALIDACL", (acl, why) => {
    const result = fixupAcl(acl, [], "/a");
    expect(isKeelError(result) && result.code).toBe("INVALIDACL");
    expect(isKeelError(result) && result.message).toContain(why);
  });
});

describe("checkAcl", () => {
  it("matches world, digest, ip CIDR and super", () => {
    expect(checkAcl(OPEN_ACL_UNSAFE, PERMS.DELETE, [], none)).toBe(true);
    const acl = [
      { perms: PERMS.READ, scheme: "digest", id: "bob:h" },
      { perms: PERMS.WRITE, scheme: "ip", id: "192.168.0.0/16" },
    ];
    expect(checkAcl(acl, PERMS.READ, [{ scheme: "digest", id: "bob:h" }], none)).toBe(true);
    expect(checkAcl(acl, PERMS.WRITE, [{ scheme: "digest", id: "bob:h" }], none)).toBe(false);
    expect(checkAcl(acl, PERMS.WRITE, [{ scheme: "ip", id: "192.168.7.9" }], none)).toBe(true);
    expect(checkAcl(acl, PERMS.WRITE, [{ scheme: "ip", id: "192.169.7.9" }], none)).toBe(false);
    const root = { scheme: "digest", id: "super:x" };
    expect(checkAcl(acl, PERMS.ADMIN, [root], { superIds: [root] })).toBe(true);
  });

  it("matches user ids exactly", () => {
    const acl = [{ perms: PERMS.READ | PERMS.WRITE, scheme: "user", id: "alice" }];
    expect(checkAcl(acl, PERMS.WRITE, [{ scheme: "user", id: "alice" }], none)).toBe(true);
    expect(checkAcl(acl, PERMS.WRITE, [{ scheme: "user", id: "Alice" }], none)).toBe(false);
    expect(checkAcl(acl, PERMS.DELETE, [{ scheme: "user", id: "alice" }], none)).toBe(false);
    // A digest or ip identity that spells the same text is another scheme.
    expect(checkAcl(acl, PERMS.READ, [{ scheme: "digest", id: "alice" }], none)).toBe(false);
  });

  it.each([
    ["no super ids configured", none],
    ["other super ids configured", { superIds: [{ scheme: "digest", id: "super:x" }] }],
  ])("counts KEEL_SUPER_ID as super with %s", (_, policy) => {
    expect(KEEL_SUPER_ID).toEqual({ scheme: "super", id: "keel" });
    expect(isSuper([{ scheme: "ip", id: "1.2.3.4" }, KEEL_SUPER_ID], policy)).toBe(true);
    expect(checkAcl([], PERMS.ADMIN, [KEEL_SUPER_ID], policy)).toBe(true);
    expect(isSuper([{ scheme: "super", id: "other" }], policy)).toBe(false);
    expect(isSuper([{ scheme: "user", id: "keel" }], policy)).toBe(false);
  });

  it("redacts digest ids", () => {
    expect(redactAcl([{ perms: 1, scheme: "digest", id: "bob:h" }])).toEqual([
      { perms: 1, scheme: "digest", id: "x:x" },
    ]);
  });
});
