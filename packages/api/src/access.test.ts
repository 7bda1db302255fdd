/**
 * Every procedure against every kind of caller (docs/security.md, "Client authentication",
 * "Cases"): which are refused before the coordinator or the accounts are reached, and with what.
 * The table must name every procedure of the router, so a procedure added later without a row
 * fails here until someone decides who may call it.
 *
 * The node ACLs themselves are core's (checked with the caller's identities in apps/server); what
 * is tested here is the API edge's part: authentication, role, token scope and CSRF.
 */
import { KeelError, keelError, PERMS } from "@keel/core";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { Accounts } from "./accounts.js";
import type { Caller, Role, TokenScope } from "./caller.js";
import type { Coordinator } from "./coordinator.js";
import { keelErrorOf } from "./errors.js";
import { appRouter } from "./root.js";
import type { ApiContext, Identification } from "./trpc.js";

const session = { sessionId: "1", secret: "ab" };

/** A valid input for each procedure; paths are outside /app on purpose (the scoped token's prefix). */
const INPUTS: Record<string, unknown> = {
  "node.create": { path: "/a" },
  "node.set": { path: "/a", data: "x" },
  "node.delete": { path: "/a" },
  "node.multi": { ops: [{ type: "create", path: "/a" }] },
  "node.sync": { path: "/a" },
  "node.setAcl": { path: "/a", acl: [{ scheme: "world", id: "anyone", perms: 31 }] },
  "node.get": { path: "/a" },
  "node.exists": { path: "/a" },
  "node.children": { path: "/a" },
  "node.childCount": { path: "/a" },
  "node.getAcl": { path: "/a" },
  "node.ephemerals": { session, prefix: "/a" },
  "node.find": { path: "/a" },
  "session.open": {},
  "session.keepAlive": session,
  "session.close": session,
  "session.list": undefined,
  "session.expire": { sessionId: "1" },
  "session.ephemerals": { sessionId: "1" },
  "session.attach": session,
  "watch.events": { path: "/a", mode: "data" },
  "cluster.status": undefined,
  "cluster.events": undefined,
  "cluster.metrics": undefined,
  "log.events": undefined,
  "auth.login": { user: "alice", password: "alicepassword" },
  "auth.logout": undefined,
  "auth.whoami": undefined,
  "auth.users.list": undefined,
  "auth.users.add": { name: "dan", password: "danpassword", role: "viewer" },
  "auth.users.remove": { name: "dan" },
  "auth.users.setRole": { name: "dan", role: "operator" },
  "auth.users.setPassword": { name: "dan", password: "newpassword" },
  "auth.tokens.create": { ttlMs: 3_600_000 },
  "auth.tokens.list": undefined,
  "auth.tokens.revoke": { tokenId: "00000000000000ff" },
  "audit.events": undefined,
  "members.list": undefined,
  "members.add": { id: 4, host: "127.0.0.1", peerPort: 7104, clientPort: 7004 },
  "members.remove": { id: 4 },
};

const PUBLIC = ["auth.login", "auth.logout", "auth.whoami"];
const ALL = Object.keys(INPUTS);
/** Needs an admin with the full scope: user management and membership changes. */
const USER_ADMIN = ALL.filter(
  (path) => path.startsWith("auth.users.") || path === "members.add" || path === "members.remove",
);
/** Writes a viewer may not make (session bookkeeping and its own tokens are not data writes). */
const DATA_WRITES = ["node.create", "node.set", "node.delete", "node.multi", "node.setAcl"];
const OPERATOR_ONLY = ["session.expire", "session.ephemerals", "audit.events"];
/** The fake token 00000000000000ff belongs to zed: only an admin may revoke it. */
const OTHERS_TOKEN = ["auth.tokens.revoke"];
const PATH_CALLS = ALL.filter((path) => path.startsWith("node.") || path === "watch.events");

interface CallerCase {
  readonly name: string;
  readonly identification: Identification;
  readonly authRequired?: boolean;
  /** procedure → the keelCode it must be refused with; every other procedure must pass. */
  readonly refused: Readonly<Record<string, string>>;
}

function caller(user: string | null, role: Role | "anonymous", scope: TokenScope | null = null): Caller {
  return {
    user,
    role,
    via: scope === null ? "password" : "token",
    scope,
    tokenId: scope === null ? null : "00000000000000aa",
    expiresAtMs: null,
    auth: [],
  };
}

const anonymous = caller(null, "anonymous");
const refuse = (paths: readonly string[], code: string) => Object.fromEntries(paths.map((path) => [path, code]));
const except = (paths: readonly string[], without: readonly string[]) =>
  paths.filter((path) => !without.includes(path));

const CASES: readonly CallerCase[] = [
  {
    name: "anonymous, authentication required",
    identification: { caller: anonymous, csrfOk: true, originAllowed: true },
    authRequired: true,
    refused: refuse(except(ALL, PUBLIC), "NOAUTH"),
  },
  {
    name: "anonymous, authentication not required (acts as an operator without identity)",
    identification: { caller: anonymous, csrfOk: true, originAllowed: true },
    refused: refuse([...USER_ADMIN, ...OTHERS_TOKEN, "auth.tokens.create", "auth.tokens.list"], "NOAUTH"),
  },
  {
    name: "wrong password or unknown token",
    identification: {
      caller: anonymous,
      failure: keelError("AUTHFAILED", "authentication failed"),
      csrfOk: true,
      originAllowed: true,
    },
    refused: refuse(except(ALL, PUBLIC), "AUTHFAILED"),
  },
  {
    name: "viewer",
    identification: { caller: caller("alice", "viewer"), csrfOk: true, originAllowed: true },
    refused: refuse([...DATA_WRITES, ...OPERATOR_ONLY, ...USER_ADMIN, ...OTHERS_TOKEN], "NOAUTH"),
  },
  {
    name: "operator",
    identification: { caller: caller("bob", "operator"), csrfOk: true, originAllowed: true },
    refused: refuse([...USER_ADMIN, ...OTHERS_TOKEN], "NOAUTH"),
  },
  {
    name: "operator's token scoped to READ under /app",
    identification: {
      caller: caller("carol", "operator", { paths: ["/app"], perms: PERMS.READ }),
      csrfOk: true,
      originAllowed: true,
    },
    refused: refuse([...PATH_CALLS, ...USER_ADMIN, ...OTHERS_TOKEN, "auth.tokens.create"], "NOAUTH"),
  },
  {
    name: "operator's console cookie without the CSRF header",
    identification: { caller: { ...caller("bob", "operator"), via: "cookie" }, csrfOk: false, originAllowed: true },
    refused: {
      ...refuse([...USER_ADMIN, ...OTHERS_TOKEN], "NOAUTH"),
      ...refuse(except(mutations(), PUBLIC), "NOAUTH"),
    },
  },
  {
    name: "admin",
    identification: { caller: caller("root", "admin"), csrfOk: true, originAllowed: true },
    refused: {},
  },
  {
    name: "a login from a foreign origin",
    identification: { caller: anonymous, csrfOk: true, originAllowed: false },
    refused: refuse(["auth.login", ...USER_ADMIN, ...OTHERS_TOKEN, "auth.tokens.create", "auth.tokens.list"], "NOAUTH"),
  },
];

function mutations(): string[] {
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
  return Object.entries(procedures)
    .filter(([, procedure]) => procedure._def.type === "mutation")
    .map(([path]) => path);
}

async function* nothing(): AsyncGenerator<never> {}

const STREAMS = new Set(["attachSession", "watch", "statusEvents", "metricsSamples", "logEvents"]);

/** Answers every call with an empty value and records that it was reached. */
function recordingDouble<T extends object>(reached: string[], answers: Record<string, unknown> = {}): T {
  return new Proxy({} as T, {
    get(_target, name: string) {
      return (..._args: unknown[]) => {
        reached.push(name);
        if (STREAMS.has(name)) return nothing();
        return Promise.resolve(name in answers ? answers[name] : {});
      };
    },
  });
}

const accountAnswers = {
  login: { token: "t", tokenId: "00000000000000bb", expiresAtMs: 0, user: "alice", role: "viewer", csrfToken: "c" },
  user: { name: "dan", role: "viewer", createdAtMs: 0 },
  token: { tokenId: "00000000000000ff", user: "zed", kind: "api", scope: { paths: ["/"], perms: 31 } },
  listTokens: [],
  listUsers: { users: [], truncated: false },
  verifyPassword: true,
};

async function call(context: ApiContext, path: string): Promise<KeelError | undefined> {
  let target: unknown = appRouter.createCaller(context);
  for (const segment of path.split(".")) target = (target as Record<string, unknown>)[segment];
  try {
    const result = await (target as (input: unknown) => Promise<unknown>)(INPUTS[path]);
    if (result !== null && typeof result === "object" && Symbol.asyncIterator in result) {
      // A subscription checks some rights when it starts running: take its first step.
      await (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().next();
    }
    return undefined;
  } catch (error) {
    // Thrown while a subscription runs, the KeelError arrives as is (tRPC wraps it only on the wire).
    if (error instanceof KeelError) return error;
    if (!(error instanceof TRPCError)) throw error;
    const keel = keelErrorOf(error);
    if (keel === undefined) throw error;
    return keel;
  }
}

describe("who may call what", () => {
  it("the table names every procedure of the router", () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual([...ALL].sort());
  });

  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const outcomes: Record<string, string> = {};
      const unreached: string[] = [];
      for (const path of ALL) {
        const reached: string[] = [];
        const context: ApiContext = {
          coordinator: recordingDouble<Coordinator>(reached),
          accounts: recordingDouble<Accounts>(reached, accountAnswers),
          auditFeed: { events: () => nothing() },
          identify: () => Promise.resolve(testCase.identification),
          authRequired: testCase.authRequired === true,
        };
        const error = await call(context, path);
        outcomes[path] = error === undefined ? "ok" : error.code;
        // A refusal must come before anything is done on the caller's behalf.
        if (error !== undefined && reached.some((name) => name !== "token" && name !== "user")) unreached.push(path);
      }
      const expected = Object.fromEntries(ALL.map((path) => [path, testCase.refused[path] ?? "ok"]));
      expect(outcomes).toEqual(expected);
      expect(unreached).toEqual([]);
    });
  }
});
