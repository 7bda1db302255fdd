// Checks the rules of issue 21 in KeelState, through the codecs: /keel/auth refuses every write
// (alone, in a multi, as a force-release) and every read (exists too, and before NONODE, so names
// cannot be probed) to callers without a super identity, while KEEL_SUPER_ID and configured super
// ids pass; canRead / canSeeEvent / getEphemerals filtering; children pages. Tables list the cases.
import { describe, expect, it } from "vitest";
import { isKeelError, type KeelError } from "../errors.js";
import { type AuthId, KEEL_SUPER_ID, PERMS } from "../tree/acl.js";
import { AUTH_NODE_ACL, AUTH_ROOT } from "../tree/auth-root.js";
import type { ClientRequest } from "../tree/request.js";
import type { TxnResult } from "../tree/results.js";
import { codeOf, create, TestDriver } from "./test-driver.js";

const enc = (s: string) => new TextEncoder().encode(s);
const superAuth: readonly AuthId[] = [{ scheme: "ip", id: "10.0.0.1" }, KEEL_SUPER_ID];
const alice: readonly AuthId[] = [
  { scheme: "ip", id: "10.0.0.2" },
  { scheme: "user", id: "alice" },
];
const bob: readonly AuthId[] = [
  { scheme: "ip", id: "10.0.0.3" },
  { scheme: "user", id: "bob" },
];
const configuredSuper: AuthId = { scheme: "digest", id: "super:hash" };
const RESERVED_MESSAGE = "reserved for Keel's users and tokens";

/** A tree with the server's users and tokens in place, written with KEEL_SUPER_ID as the server does. */
function withAuthNodes(): TestDriver {
  const d = new TestDriver({ superIds: [configuredSuper] });
  for (const path of [AUTH_ROOT, `${AUTH_ROOT}/users`, `${AUTH_ROOT}/users/alice`, `${AUTH_ROOT}/tokens`]) {
    const result = d.result({ ...create(path, "persistent", "{}"), acl: AUTH_NODE_ACL }, { auth: superAuth });
    expect(codeOf(result), path).toBe("OK");
  }
  return d;
}

function errorOf(result: TxnResult): KeelError {
  if (result.type !== "rejected") throw new Error(`expected a rejection, got ${result.type}`);
  return result.error;
}

const users = `${AUTH_ROOT}/users`;
const writes: [string, ClientRequest][] = [
  ["create a user", create(`${users}/mallory`)],
  ["create over an existing user", create(`${users}/alice`)],
  ["create the root itself", create(AUTH_ROOT)],
  ["create a sequential node inside", create(`${users}/u-`, "persistentSequential")],
  ["setData", { type: "setData", path: `${users}/alice`, data: enc("{}"), version: -1 }],
  ["setData of a missing node", { type: "setData", path: `${users}/nobody`, data: enc("{}"), version: -1 }],
  ["delete", { type: "delete", path: `${users}/alice`, version: -1 }],
  ["delete of a missing node", { type: "delete", path: `${users}/nobody`, version: -1 }],
  [
    "setACL",
    { type: "setACL", path: `${users}/alice`, acl: [{ perms: 31, scheme: "world", id: "anyone" }], aversion: -1 },
  ],
  ["forceRelease", { type: "forceRelease", path: `${users}/alice`, version: -1, reason: "operator" }],
  ["multi with a check", { type: "multi", ops: [{ type: "check", path: `${users}/alice`, version: -1 }] }],
  [
    "multi with a check of a missing node",
    { type: "multi", ops: [{ type: "check", path: `${users}/nobody`, version: -1 }] },
  ],
  [
    "multi: open create, then a delete inside",
    { type: "multi", ops: [create("/fine"), { type: "delete", path: `${users}/alice`, version: -1 }] },
  ],
];

describe("/keel/auth writes", () => {
  it.each(writes)("refuses %s to callers without a super identity, with NOAUTH", (_, request) => {
    const notSuper: (readonly AuthId[])[] = [
      [],
      alice,
      [{ scheme: "digest", id: "super:wrong" }],
      [{ scheme: "super", id: "other" }],
    ];
    for (const auth of notSuper) {
      const d = withAuthNodes();
      const error = errorOf(d.result(request, { auth }));
      expect(error.code).toBe("NOAUTH");
      expect(error.message).toContain(RESERVED_MESSAGE);
      expect(d.state.exists("/fine")).toBeNull(); // a refused multi leaves nothing behind
    }
  });

  it.each([
    ["KEEL_SUPER_ID", superAuth],
    ["a configured super id", [configuredSuper]],
  ])("lets %s write there", (_, auth) => {
    const d = withAuthNodes();
    expect(codeOf(d.result(create(`${users}/bob`), { auth }))).toBe("OK");
    const setData = { type: "setData", path: `${users}/bob`, data: enc("{}"), version: -1 } as const;
    expect(
      codeOf(
        d.result({ type: "multi", ops: [setData, { type: "check", path: `${users}/bob`, version: 1 }] }, { auth }),
      ),
    ).toBe("OK");
    expect(codeOf(d.result({ type: "delete", path: `${users}/bob`, version: -1 }, { auth }))).toBe("OK");
  });

  it("leaves paths that only share the prefix alone", () => {
    const d = withAuthNodes();
    expect(codeOf(d.result(create("/keel/authors"), { auth: alice }))).toBe("OK");
    const sibling = d.result(create(AUTH_ROOT, "persistentSequential"), { auth: alice });
    expect(sibling.type === "create" && sibling.path).toMatch(/^\/keel\/auth\d{10}$/);
  });

  it("bypasses node ACLs with KEEL_SUPER_ID whatever superIds the config holds", () => {
    const d = new TestDriver({ superIds: [] });
    d.submit(
      { ...create("/locked"), acl: [{ perms: PERMS.ALL, scheme: "user", id: "carol" }] },
      { auth: [{ scheme: "user", id: "carol" }] },
    );
    expect(codeOf(d.result(create("/locked/a"), { auth: alice }))).toBe("NOAUTH");
    expect(codeOf(d.result(create("/locked/a"), { auth: [KEEL_SUPER_ID] }))).toBe("OK");
    expect(isKeelError(d.state.get("/locked", alice))).toBe(true);
    expect(isKeelError(d.state.get("/locked", [KEEL_SUPER_ID]))).toBe(false);
  });

  it("stores auth as the caller's user identity", () => {
    const d = new TestDriver();
    d.submit({ ...create("/mine"), acl: [{ perms: PERMS.ALL, scheme: "auth", id: "" }] }, { auth: alice });
    const acl = d.state.getACL("/mine", alice);
    expect(!isKeelError(acl) && acl.acl).toEqual([{ perms: PERMS.ALL, scheme: "user", id: "alice" }]);
    expect(codeOf(d.result({ type: "setData", path: "/mine", data: enc("x"), version: -1 }, { auth: bob }))).toBe(
      "NOAUTH",
    );
    expect(codeOf(d.result({ type: "setData", path: "/mine", data: enc("x"), version: -1 }, { auth: alice }))).toBe(
      "OK",
    );
  });
});

type Read = (d: TestDriver, path: string, auth: readonly AuthId[]) => unknown;
const reads: [string, Read][] = [
  ["get", (d, path, auth) => d.state.get(path, auth)],
  ["exists", (d, path, auth) => d.state.exists(path, auth)],
  ["children", (d, path, auth) => d.state.children(path, auth)],
  ["childrenPage", (d, path, auth) => d.state.childrenPage(path, auth, { limit: 10 })],
  ["getAllChildrenNumber", (d, path, auth) => d.state.getAllChildrenNumber(path, auth)],
  ["getACL", (d, path, auth) => d.state.getACL(path, auth)],
];

describe("/keel/auth reads", () => {
  it.each(reads)("%s is NOAUTH for non-super callers, on existing and missing nodes alike", (_, read) => {
    const d = withAuthNodes();
    for (const path of [AUTH_ROOT, users, `${users}/alice`, `${users}/nobody`]) {
      for (const auth of [[], alice]) {
        const answer = read(d, path, auth);
        expect(isKeelError(answer) && answer.code, `${path} as ${JSON.stringify(auth)}`).toBe("NOAUTH");
        expect(isKeelError(answer) && answer.message).toContain(RESERVED_MESSAGE);
      }
    }
  });

  it.each(reads)("%s answers super callers as for any node", (_, read) => {
    const d = withAuthNodes();
    for (const auth of [superAuth, [configuredSuper]]) {
      expect(isKeelError(read(d, `${users}/alice`, auth))).toBe(false);
      const missing = read(d, `${users}/nobody`, auth);
      expect(missing === null || (isKeelError(missing) && missing.code === "NONODE")).toBe(true);
    }
  });

  it("hides the count of users and tokens from getAllChildrenNumber of an ancestor", () => {
    const d = withAuthNodes();
    d.submit(create("/keel/other"));
    // Below /keel: auth, auth/users, auth/users/alice, auth/tokens, other.
    expect(d.state.getAllChildrenNumber("/keel", superAuth)).toBe(5);
    expect(d.state.getAllChildrenNumber("/keel", alice)).toBe(2);
    const all = d.state.getAllChildrenNumber("/", superAuth) as number;
    expect(d.state.getAllChildrenNumber("/", alice)).toBe(all - 3);
  });
});

describe("canRead and canSeeEvent", () => {
  function tree(): TestDriver {
    const d = withAuthNodes();
    d.submit(create("/open"));
    d.submit({ ...create("/private"), acl: [{ perms: PERMS.ALL, scheme: "user", id: "alice" }] }, { auth: alice });
    d.submit(
      { ...create("/private/inner"), acl: [{ perms: PERMS.ALL, scheme: "world", id: "anyone" }] },
      { auth: alice },
    );
    d.submit({ ...create("/writeonly"), acl: [{ perms: PERMS.WRITE, scheme: "world", id: "anyone" }] });
    return d;
  }
  const none: readonly AuthId[] = [];
  // path, caller, canRead, canSeeEvent
  const cases: [string, string, readonly AuthId[], boolean, boolean][] = [
    ["/open", "anyone", none, true, true],
    ["/open/gone", "anyone (missing: its parent decides)", none, false, true],
    ["/open/gone/deeper", "anyone (nearest existing ancestor)", none, false, true],
    ["/private", "anyone", none, false, false],
    ["/private", "alice", alice, true, true],
    ["/private/gone", "bob (parent unreadable)", bob, false, false],
    ["/private/gone", "alice", alice, false, true],
    ["/private/inner", "bob (its own ACL is open)", bob, true, true],
    ["/writeonly", "anyone (WRITE is not READ)", none, false, false],
    ["/writeonly", "KEEL_SUPER_ID", [KEEL_SUPER_ID], true, true],
    [AUTH_ROOT, "anyone", none, false, false],
    [`${users}/alice`, "alice", alice, false, false],
    [`${users}/gone`, "alice (missing, in /keel/auth)", alice, false, false],
    [`${users}/alice`, "KEEL_SUPER_ID", superAuth, true, true],
    [`${users}/gone`, "KEEL_SUPER_ID", superAuth, false, true],
    ["bad//path", "anyone", none, false, false],
  ];
  it.each(cases)("%s as %s: canRead %s, canSeeEvent %s", (path, _, auth, canRead, canSeeEvent) => {
    const d = tree();
    expect(d.state.canRead(path, auth)).toBe(canRead);
    expect(d.state.canSeeEvent(path, auth)).toBe(canSeeEvent);
  });
});

describe("getEphemerals with auth", () => {
  it("lists only the ephemerals the caller may read", () => {
    const d = withAuthNodes();
    const session = d.openSession();
    d.submit(create("/e-open", "ephemeral"), { sessionId: session });
    d.submit(
      { ...create("/e-alice", "ephemeral"), acl: [{ perms: PERMS.ALL, scheme: "user", id: "alice" }] },
      { sessionId: session, auth: alice },
    );
    d.submit(
      { ...create(`${AUTH_ROOT}/e-lock`, "ephemeral"), acl: AUTH_NODE_ACL },
      { sessionId: session, auth: superAuth },
    );
    expect(d.state.getEphemerals(session)).toEqual(["/e-alice", "/e-open", `${AUTH_ROOT}/e-lock`]);
    expect(d.state.getEphemerals(session, "/", [])).toEqual(["/e-open"]);
    expect(d.state.getEphemerals(session, "/", alice)).toEqual(["/e-alice", "/e-open"]);
    expect(d.state.getEphemerals(session, "/e-a", alice)).toEqual(["/e-alice"]);
    expect(d.state.getEphemerals(session, "/", superAuth)).toEqual(["/e-alice", "/e-open", `${AUTH_ROOT}/e-lock`]);
  });
});

describe("childrenPage", () => {
  const names = ["b", "a", "c10", "c2", "Z", "_x", "é"];
  const sorted = [...names].sort();

  function withChildren(): TestDriver {
    const d = new TestDriver();
    d.submit(create("/p"));
    for (const name of names) d.submit(create(`/p/${name}`));
    return d;
  }

  function page(d: TestDriver, after: string | undefined, limit: number) {
    const answer = d.state.childrenPage("/p", [], after === undefined ? { limit } : { after, limit });
    if (isKeelError(answer)) throw answer;
    return answer;
  }

  // after, limit → children, nextAfter
  const cases: [string | undefined, number, string[], string | null][] = [
    [undefined, 100, sorted, null],
    [undefined, sorted.length, sorted, null],
    [undefined, 3, sorted.slice(0, 3), sorted[2] as string],
    [sorted[2], 3, sorted.slice(3, 6), sorted[5] as string],
    [sorted[5], 3, sorted.slice(6), null],
    ["c", 2, ["c10", "c2"], "c2"], // `after` need not be a child
    ["", 1, [sorted[0] as string], sorted[0] as string],
    ["\uffff", 5, [], null],
  ];
  it.each(cases)("after %j limit %i → %j, nextAfter %j", (after, limit, children, nextAfter) => {
    const d = withChildren();
    const answer = page(d, after, limit);
    expect(answer.children).toEqual(children);
    expect(answer.nextAfter).toBe(nextAfter);
    expect(answer.stat.numChildren).toBe(names.length);
  });

  it("follows nextAfter through every child, in the order children() gives, across changes", () => {
    const d = withChildren();
    const walk = () => {
      const out: string[] = [];
      let after: string | undefined;
      for (;;) {
        const answer = page(d, after, 2);
        out.push(...answer.children);
        if (answer.nextAfter === null) return out;
        after = answer.nextAfter;
      }
    };
    const listed = () => {
      const answer = d.state.children("/p");
      if (isKeelError(answer)) throw answer;
      return answer.children;
    };
    expect(walk()).toEqual(listed());
    // A create and a delete after a page (the names held sorted for pages go back to a set).
    d.submit(create("/p/bb"));
    d.submit({ type: "delete", path: "/p/a", version: -1 });
    expect(walk()).toEqual(listed());
    expect(walk()).toContain("bb");
    expect(walk()).not.toContain("a");
  });

  it("answers an empty page for a leaf, NONODE for a missing node, NOAUTH without READ", () => {
    const d = withChildren();
    const leaf = d.state.childrenPage("/p/a", [], { limit: 5 });
    expect(!isKeelError(leaf) && leaf.children).toEqual([]);
    const missing = d.state.childrenPage("/nope", [], { limit: 5 });
    expect(isKeelError(missing) && missing.code).toBe("NONODE");
    d.submit({ ...create("/hidden"), acl: [{ perms: PERMS.ALL, scheme: "user", id: "alice" }] }, { auth: alice });
    const hidden = d.state.childrenPage("/hidden", bob, { limit: 5 });
    expect(isKeelError(hidden) && hidden.code).toBe("NOAUTH");
  });

  it.each([0, -1, 1.5, 10_001])("asserts the limit (%d is a bug at the edge)", (limit) => {
    const d = withChildren();
    expect(() => d.state.childrenPage("/p", [], { limit })).toThrow(/limit/);
  });
});
