/**
 * `keel zk-import` end to end: Debian's ZooKeeper 3.8 standalone (testkit startZooKeeper), filled
 * through the CLI's own wire client with nested nodes, binary data, digest and ip ACLs, a sequential
 * node, a container and a TTL node (both arrive persistent: see below) and an ephemeral; a 3-node Keel ensemble; the built CLI run as a
 * child process. The Keel tree must then read exactly like the ZooKeeper tree (names, data, ACLs,
 * each read as the same anonymous caller on both sides, so ACL checks and digest masking match), the
 * ephemeral must be absent, a second run must stop on the first conflict, and --skip-existing,
 * --dry-run and --to-path must do what they say.
 */
import { createHash } from "node:crypto";
import type { AclEntry } from "@keel/api";
import {
  Ensemble,
  httpClient,
  type KeelHttpClient,
  keelCodeOf,
  startZooKeeper,
  type ZooKeeperEnsemble,
} from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, stopAll } from "./test/run-cli.js";
import { childPath } from "./zk-import-plan.js";
import { parseConnectString, ZK_CREATE_FLAGS, ZkReplyError, ZkWireClient } from "./zk-wire-client.js";

const ALL = 31;
const READ = 1;
const ADMIN = 16;
const digestId = (user: string, password: string) =>
  `${user}:${createHash("sha1").update(`${user}:${password}`).digest("base64")}`;
const ALICE = digestId("alice", "secret");
const world = (perms: number) => ({ perms, id: { scheme: "world", id: "anyone" } });
const alice = { perms: ALL, id: { scheme: "digest", id: ALICE } };
const bytes = (text: string) => new TextEncoder().encode(text);

let zookeeper: ZooKeeperEnsemble;
let ensemble: Ensemble;
let servers: string[];
let keelClient: KeelHttpClient;
/** The session that fills ZooKeeper; it stays open so its ephemeral exists during the imports. */
let filler: ZkWireClient;
let sequentialName: string;

const connectZooKeeper = () =>
  ZkWireClient.connect(parseConnectString(zookeeper.connectString), {
    sessionTimeoutMs: 30_000,
    connectTimeoutMs: 10_000,
  });

beforeAll(async () => {
  [zookeeper, ensemble] = await Promise.all([startZooKeeper({ nodes: 1 }), Ensemble.start({ voters: 3 })]);
  await ensemble.waitForLeader();
  servers = ensemble.members.map((member) => member.clientUrl);
  keelClient = httpClient(servers[0] as string);

  filler = await connectZooKeeper();
  await filler.addAuth("digest", bytes("alice:secret"));
  const create = (path: string, data: Uint8Array, acl = [world(ALL)], flags: number = ZK_CREATE_FLAGS.persistent) =>
    filler.call({ op: "create", path, data, acl, flags });
  await create("/app", bytes("root"));
  await create("/app/config", new Uint8Array([0, 1, 2, 0xfe, 0xff]));
  await create("/app/config/nested", bytes("deep"));
  await create("/app/config/nested/leaf", new Uint8Array(0));
  // Denies world CREATE but shows its ACL to anyone (ADMIN): copied with a deferred ACL.
  await create("/app/secure", bytes("s"), [alice, world(READ | ADMIN)]);
  await create("/app/secure/inner", bytes("i"), [alice, world(READ | ADMIN)]);
  // Only alice may read it: ZooKeeper shows it to the importer because of --zookeeper-auth.
  await create("/app/private", bytes("p"), [alice]);
  await create("/app/by-ip", bytes("ip"), [{ perms: ALL, id: { scheme: "ip", id: "127.0.0.1" } }, world(READ)]);
  await create("/app/jobs", new Uint8Array(0));
  const sequential = await create("/app/jobs/job-", bytes("seq"), [world(ALL)], ZK_CREATE_FLAGS.persistentSequential);
  sequentialName = sequential?.op === "create" ? sequential.path : "";
  await create("/app/jobs/worker", bytes("ephemeral"), [world(ALL)], ZK_CREATE_FLAGS.ephemeral);
  await filler.call({
    op: "createContainer",
    path: "/app/box",
    data: null,
    acl: [world(ALL)],
    flags: ZK_CREATE_FLAGS.container,
  });
  await create("/app/box/item", bytes("in a container"));
  await filler.call({
    op: "createTTL",
    path: "/app/ttl",
    data: bytes("t"),
    acl: [world(ALL)],
    flags: ZK_CREATE_FLAGS.ttl,
    ttl: 3_600_000n,
  });
}, 120_000);

afterAll(async () => {
  await stopAll();
  await filler?.close();
  await Promise.all([zookeeper?.stop(), ensemble?.close()]);
});

const keel = (...args: string[]) => runCli(["zk-import", "--zookeeper", zookeeper.connectString, ...args], { servers });

/** What an anonymous caller reads at a node: data and ACL, or the error code instead. */
interface NodeReading {
  readonly data: string;
  readonly acl: string;
  readonly children: string;
}

const codeOf = (error: unknown) => (error instanceof ZkReplyError ? error.code : (keelCodeOf(error) ?? String(error)));
const aclText = (acl: readonly { perms: number; scheme: string; id: string }[]) =>
  JSON.stringify([...acl].map((e) => `${e.scheme}:${e.id}=${e.perms}`).sort());

/** Every node under `root` as an anonymous ZooKeeper session reads it. */
async function zooKeeperTree(root: string): Promise<Map<string, NodeReading>> {
  const anonymous = await connectZooKeeper();
  const tree = new Map<string, NodeReading>();
  try {
    const queue = [root];
    while (queue.length > 0) {
      const path = queue.shift() as string;
      const data = await anonymous
        .getData(path)
        .then((reply) => Buffer.from(reply.data ?? new Uint8Array(0)).toString("base64"), codeOf);
      const acl = await anonymous
        .getACL(path)
        .then((reply) => aclText(reply.acl.map((e) => ({ perms: e.perms, ...e.id }))), codeOf);
      const children = await anonymous.getChildren2(path).then((reply) => [...reply.children].sort(), codeOf);
      tree.set(path, { data, acl, children: String(children) });
      if (Array.isArray(children)) queue.push(...children.map((name) => childPath(path, name)));
    }
  } finally {
    await anonymous.close();
  }
  return tree;
}

/** Every node under `root` as Keel's anonymous HTTP caller reads it; paths rebased onto `as`. */
async function keelTree(root: string, as = root): Promise<Map<string, NodeReading>> {
  const tree = new Map<string, NodeReading>();
  const queue = [root];
  while (queue.length > 0) {
    const path = queue.shift() as string;
    const data = await keelClient.node.get.query({ path, linearizable: true }).then((node) => node.dataBase64, codeOf);
    const acl = await keelClient.node.getAcl
      .query({ path, linearizable: true })
      .then((reply) => aclText(reply.acl as AclEntry[]), codeOf);
    const children = await keelClient.node.children
      .query({ path, linearizable: true })
      .then((reply) => reply.children.map((child) => child.name).sort(), codeOf);
    tree.set(as + path.slice(root.length), { data, acl, children: String(children) });
    if (Array.isArray(children)) queue.push(...children.map((name) => childPath(path, name)));
  }
  return tree;
}

describe("keel zk-import", () => {
  it("--dry-run walks and counts without writing", async () => {
    const result = await keel("--dry-run", "--zookeeper-auth", "digest:alice:secret");
    expect(result.stderr).not.toMatch(/keel zk-import:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^would copy +13 nodes from ZooKeeper \/ to Keel \/$/m);
    expect(result.stdout).toMatch(/^skipped ephemeral +1$/m);
    const exists = await keelClient.node.exists.query({ path: "/app", linearizable: true });
    expect(exists.stat).toBeNull();
  });

  it("copies the tree: same names, data and ACLs, no ephemeral", async () => {
    const result = await keel("--zookeeper-auth", "digest:alice:secret");
    expect(result.stderr).not.toMatch(/keel zk-import:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^copied +13 nodes from ZooKeeper \/ to Keel \/$/m);
    const dataBytes = ["root", "deep", "s", "i", "p", "ip", "seq", "in a container", "t"].join("").length + 5;
    expect(result.stdout).toMatch(new RegExp(`^bytes +${dataBytes}$`, "m"));

    const expected = await zooKeeperTree("/app");
    const jobs = expected.get("/app/jobs") as NodeReading;
    expect(jobs.children).toContain("worker");
    expected.delete("/app/jobs/worker");
    expected.set("/app/jobs", { ...jobs, children: jobs.children.replace(/,?worker/, "") });
    expect(await keelTree("/app")).toEqual(expected);
    expect(expected.get("/app/secure")?.acl).toContain(`digest:${ALICE}=${ALL}`);
    expect(expected.get("/app/private")?.data).toBe("NOAUTH");
    expect(expected.has(`/app/jobs/${sequentialName.split("/").pop()}`)).toBe(true);
    const worker = await keelClient.node.exists.query({ path: "/app/jobs/worker", linearizable: true });
    expect(worker.stat).toBeNull();

    // ZooKeeper's Stat shows containers and TTL nodes with ephemeralOwner 0 (DataNode.copyStat hides
    // the marker from clients), so the import cannot tell them from persistent nodes.
    const zkOwners = await Promise.all(["/app/box", "/app/ttl"].map((path) => filler.getData(path)));
    expect(zkOwners.map((reply) => reply.stat.ephemeralOwner)).toEqual([0n, 0n]);
    const box = await keelClient.node.get.query({ path: "/app/box" });
    const ttl = await keelClient.node.get.query({ path: "/app/ttl" });
    expect([box.kind, ttl.kind]).toEqual(["persistent", "persistent"]);
  });

  it("stops at the first existing node on a second run", async () => {
    const result = await keel("--zookeeper-auth", "digest:alice:secret");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^keel zk-import: NODEEXISTS: \/app already exists in Keel \(the first conflict/m);
    expect(result.stdout).toBe("");
  });

  it("--skip-existing keeps what is there and copies what is new", async () => {
    await filler.call({ op: "create", path: "/app/config/added", data: bytes("new"), acl: [world(ALL)], flags: 0 });
    const result = await keel("--skip-existing", "--zookeeper-auth", "digest:alice:secret");
    expect(result.stderr).not.toMatch(/keel zk-import:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^copied +1 nodes/m);
    expect(result.stdout).toMatch(/^skipped existing +13$/m);
    expect((await keelClient.node.get.query({ path: "/app/config/added", linearizable: true })).data).toBe("new");
  });

  it("--path and --to-path copy one subtree elsewhere", async () => {
    const result = await keel("--path", "/app/config", "--to-path", "/copies/config");
    expect(result.stderr).not.toMatch(/keel zk-import:/);
    expect(result.code).toBe(0);
    expect(await keelTree("/copies/config", "/app/config")).toEqual(await zooKeeperTree("/app/config"));
  });

  it("--overwrite replaces the data of existing nodes", async () => {
    await filler.call({ op: "setData", path: "/app/config/nested", data: bytes("changed"), version: -1 });
    const result = await keel("--path", "/app/config", "--overwrite");
    expect(result.stderr).not.toMatch(/keel zk-import:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^overwritten +4$/m);
    expect((await keelClient.node.get.query({ path: "/app/config/nested", linearizable: true })).data).toBe("changed");
    expect(await keelTree("/app/config")).toEqual(await zooKeeperTree("/app/config"));
  });

  it("fails without --zookeeper-auth on a node ZooKeeper will not show", async () => {
    const result = await keel("--dry-run");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^keel zk-import: NOAUTH: ZooKeeper refused to read \/app\/private .*--zookeeper-auth/m,
    );
  });

  it.each([
    { args: [], error: /--zookeeper is required/ },
    { args: ["--zookeeper", "nohost"], error: /is not host:port/ },
    { args: ["--zookeeper", "127.0.0.1:1", "--skip-existing", "--overwrite"], error: /exclude each other/ },
    { args: ["--zookeeper", "127.0.0.1:1", "--path", "app"], error: /absolute path/ },
  ])("usage error $args", async ({ args, error }) => {
    const result = await runCli(["zk-import", ...args], { servers });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(error);
  });
});
