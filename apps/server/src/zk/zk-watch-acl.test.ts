// Checks that the ZooKeeper port's watches respect ACLs (issue 21): persistent and
// persistent-recursive watches deliver an event only when the connection may see its node at that
// moment (ZooKeeper's CVE-2024-23944), with identities an AuthPacket adds later counting from then
// on; /keel/auth is NOAUTH to exists, left out of getEphemerals and dropped from SetWatches. It
// drives ZkRequests against a real KeelState and WatchTable, applying txns as the replica host
// does (apply, then trigger), without sockets.
import {
  AUTH_NODE_ACL,
  AUTH_ROOT,
  type AuthId,
  type ClientRequest,
  ERROR_CODES,
  encodeRequest,
  KEEL_SUPER_ID,
  KeelState,
  OPEN_ACL_UNSAFE,
  PERMS,
  SESSION_NONE,
  type SessionId,
  type WatchEvent,
  type WatcherId,
  WatchTable,
  type ZkRequest,
  zxid,
} from "@keel/core";
import { describe, expect, it } from "vitest";
import type { ReplicaHost } from "../replica-host.js";
import { type ZkCaller, ZkRequests } from "./zk-requests.js";

const ip: AuthId = { scheme: "ip", id: "127.0.0.1" };
const alice: AuthId = { scheme: "digest", id: "alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=" };
const superAuth: readonly AuthId[] = [KEEL_SUPER_ID];

/** The parts of a replica host ZkRequests reads use: the applied state and the watch table. */
class FakeHost {
  readonly state = new KeelState();
  readonly watches = new WatchTable();
  /** Events per watcher, as the host's watch sinks would get them. */
  readonly delivered = new Map<WatcherId, WatchEvent[]>();
  private counter = 0;

  constructor() {
    this.state.startLeading(1_000, undefined);
  }

  /** Proposes, commits and applies one request, then fires watches (ReplicaHost.apply's order). */
  submit(request: ClientRequest, auth: readonly AuthId[] = [], sessionId: SessionId = SESSION_NONE): void {
    this.counter += 1;
    const at = zxid(1, this.counter);
    const bytes = encodeRequest({
      sessionId,
      cxid: this.counter,
      origin: { peer: 1, requestId: this.counter },
      auth,
      request,
    });
    const applied = this.state.apply({ zxid: at, txn: this.state.prepare(bytes, at, 1_000) });
    if (applied.result.type === "rejected") throw applied.result.error;
    for (const [watcher, events] of this.watches.trigger(applied.changes, applied.zxid)) {
      this.delivered.set(watcher, [...(this.delivered.get(watcher) ?? []), ...events]);
    }
  }

  eventsOf(watcher: WatcherId): [string, string][] {
    return (this.delivered.get(watcher) ?? []).map((event) => [event.type, event.path]);
  }
}

function setUp() {
  const host = new FakeHost();
  const requests = new ZkRequests(host as unknown as ReplicaHost, (message) => {
    throw new Error(message);
  });
  const create = (path: string, acl = OPEN_ACL_UNSAFE, kind: "persistent" | "ephemeral" = "persistent") =>
    ({ type: "create", path, data: new Uint8Array(), acl, kind }) as const;
  return { host, requests, create };
}

function callerOf(watcher: WatcherId, auth: readonly AuthId[], sessionId: SessionId = SESSION_NONE): ZkCaller {
  return { sessionId, watcher, auth, cxid: 1 };
}

const aliceOnly = [{ perms: PERMS.ALL, scheme: "digest", id: alice.id }];

describe("ZooKeeper-port persistent watches and ACLs", () => {
  it("deliver to a recursive watch on / only the events of nodes the connection may read", () => {
    const { host, requests, create } = setUp();
    let auth: readonly AuthId[] = [ip];
    const watcher = 1;
    const added = requests.read({ op: "addWatch", path: "/", mode: 1 }, callerOf(watcher, auth));
    expect(added.err).toBe(0);
    requests.filterPersistentWatches(watcher, () => auth);
    // An unfiltered watcher (no connection installed a filter) sees everything: the control.
    host.watches.addPersistent(2, "/", "persistentRecursive");

    host.submit(create("/open"));
    host.submit(create("/secret", aliceOnly), [alice]);
    host.submit(create("/secret/child", aliceOnly), [alice]);
    host.submit(create(AUTH_ROOT, AUTH_NODE_ACL), superAuth);
    host.submit(create(`${AUTH_ROOT}/users`, AUTH_NODE_ACL), superAuth);
    host.submit({ type: "setData", path: "/secret/child", data: new Uint8Array([1]), version: -1 }, [alice]);
    host.submit({ type: "delete", path: "/secret/child", version: -1 }, [alice]); // gone: /secret decides
    expect(host.eventsOf(watcher)).toEqual([["nodeCreated", "/open"]]);
    expect(host.eventsOf(2)).toHaveLength(7);

    // The connection authenticates as alice (an AuthPacket): her nodes' events count from now on.
    auth = [ip, alice];
    host.submit(create("/secret/again", aliceOnly), [alice]);
    host.submit({ type: "delete", path: "/secret/again", version: -1 }, [alice]);
    host.submit(create(`${AUTH_ROOT}/tokens`, AUTH_NODE_ACL), superAuth); // still never
    expect(host.eventsOf(watcher).slice(1)).toEqual([
      ["nodeCreated", "/secret/again"],
      ["nodeDeleted", "/secret/again"],
    ]);
  });

  it("deliver a persistent watch's childrenChanged only when the parent is readable", () => {
    const { host, requests, create } = setUp();
    host.submit(create("/secret", aliceOnly), [alice]);
    const auth: readonly AuthId[] = [ip];
    for (const path of ["/secret", "/"]) {
      expect(requests.read({ op: "addWatch", path, mode: 0 }, callerOf(1, auth)).err).toBe(0);
    }
    requests.filterPersistentWatches(1, () => auth);
    host.submit(create("/secret/a", OPEN_ACL_UNSAFE), [alice]);
    host.submit(create("/b"));
    expect(host.eventsOf(1)).toEqual([["nodeChildrenChanged", "/"]]);
  });

  it("refuse exists in /keel/auth, leave its ephemerals out and drop its SetWatches paths", () => {
    const { host, requests, create } = setUp();
    host.submit(create(AUTH_ROOT, AUTH_NODE_ACL), superAuth);
    host.submit({ type: "createSession", timeoutMs: 10_000, password: new Uint8Array(16) });
    const session = host.state.listSessions(10).sessions[0]?.sessionId as SessionId;
    host.submit(create("/mine", OPEN_ACL_UNSAFE, "ephemeral"), [ip], session);
    host.submit(create(`${AUTH_ROOT}/lease`, AUTH_NODE_ACL, "ephemeral"), superAuth, session);
    const caller = callerOf(1, [ip], session);
    const exists = (path: string): ZkRequest => ({ op: "exists", path, watch: true });
    for (const path of [AUTH_ROOT, `${AUTH_ROOT}/lease`, `${AUTH_ROOT}/nobody`]) {
      expect(requests.read(exists(path), caller).err, path).toBe(ERROR_CODES.NOAUTH);
    }
    expect(host.watches.watchCount(1)).toBe(0); // a refused exists sets no watch
    expect(requests.read(exists(`${AUTH_ROOT}/lease`), callerOf(1, superAuth, session)).err).toBe(0);
    const listing = requests.read({ op: "getEphemerals", prefixPath: "/" }, caller);
    expect(listing.response).toEqual({ op: "getEphemerals", ephemerals: ["/mine"] });

    const watches = (paths: string[]) => ({
      dataWatches: paths,
      existWatches: paths,
      childWatches: paths,
      persistentWatches: [],
      persistentRecursiveWatches: [],
    });
    const restored = requests.read(
      { op: "setWatches2", relativeZxid: 0n, watches: watches([`${AUTH_ROOT}/lease`, `${AUTH_ROOT}/gone`]) },
      callerOf(3, [ip], session),
    );
    expect(restored.events ?? []).toEqual([]);
    expect(host.watches.watchCount(3)).toBe(0);
  });
});
