// Checks ACL validation and `auth` expansion (fixupAcl), permission checks per scheme, the super
// identity, and digest redaction for getACL without ADMIN.
import { describe, expect, it } from "vitest";
import { isKeelError } from "../errors.js";
import { checkAcl, fixupAcl, OPEN_ACL_UNSAFE, PERMS, redactAcl } from "./acl.js";

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

  it("redacts digest ids", () => {
    expect(redactAcl([{ perms: 1, scheme: "digest", id: "bob:h" }])).toEqual([
      { perms: 1, scheme: "digest", id: "x:x" },
    ]);
  });
});
