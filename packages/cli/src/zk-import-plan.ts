/**
 * The walk behind `keel zk-import`: copies a ZooKeeper subtree into Keel, parents first, over two
 * small interfaces (the source is a ZooKeeper session, the target Keel's HTTP API) so the unit test
 * runs it against in-memory trees. What each ZooKeeper node becomes is decided by pure helpers here.
 *
 * Order and memory: breadth-first over a frontier of nodes whose children are still to copy; when the
 * frontier reaches FRONTIER_NODES_MAX it is taken from its newest end (depth-first) until it shrinks,
 * so it never holds more than about depth × fan-out entries. Only one parent's child list is held at a
 * time, and its children are fetched and written `concurrency` at a time.
 *
 * ACLs: Keel's HTTP API writes as an anonymous caller, so a parent whose ACL denies world CREATE is
 * created with the open ACL and gets its own ACL once its children are in (a deferred setAcl).
 */
import type { AclEntry, NodeKind } from "@keel/api";
import { CliError } from "./cli-error.js";

/** Frontier entries held before the walk turns depth-first. */
export const FRONTIER_NODES_MAX = 10_000;
/** ZooKeeper's own subtree (quotas, config): never copied. */
export const ZOOKEEPER_RESERVED_PATH = "/zookeeper";

const PERM_CREATE = 4;
const PERMS_ALL = 31;
export const OPEN_ACL: readonly AclEntry[] = [{ perms: PERMS_ALL, scheme: "world", id: "anyone" }];

/**
 * ephemeralOwner values that mark kinds, not sessions (docs/zookeeper-wire.md §6.1). ZooKeeper 3.8
 * itself reports 0 for containers and TTL nodes to clients (DataNode.copyStat), so from it they
 * arrive as persistent nodes; a server that shows the markers gets its kinds kept.
 */
const CONTAINER_OWNER = 0x8000000000000000n;
const EXTENDED_TYPE_MASK = 0xff00000000000000n;
const TTL_OWNER_PREFIX = 0xff00000000000000n;
const TTL_VALUE_MASK = 0x000000ffffffffffn;

export interface SourceAcl {
  readonly perms: number;
  readonly id: { readonly scheme: string; readonly id: string };
}

export interface SourceNode {
  readonly data: Uint8Array | null;
  readonly acl: readonly SourceAcl[];
  readonly ephemeralOwner: bigint;
  readonly numChildren: number;
}

/** Reads from ZooKeeper; `undefined` means the node vanished meanwhile (a live copy). */
export interface ImportSource {
  node(path: string): Promise<SourceNode | undefined>;
  children(path: string): Promise<readonly string[] | undefined>;
}

export interface CreateRequest {
  readonly path: string;
  readonly dataBase64: string;
  readonly kind: NodeKind;
  readonly ttlMs?: number;
  readonly acl: readonly AclEntry[];
}

/** Writes to Keel. `create` answers "exists" for NODEEXISTS; every other failure throws. */
export interface ImportTarget {
  create(request: CreateRequest): Promise<"created" | "exists">;
  setData(path: string, dataBase64: string): Promise<void>;
  setAcl(path: string, acl: readonly AclEntry[]): Promise<void>;
}

export type ExistingPolicy = "fail" | "skip" | "overwrite";

export interface ImportOptions {
  readonly sourceRoot: string;
  readonly targetRoot: string;
  readonly existing: ExistingPolicy;
  /** Walk and count only. */
  readonly dryRun: boolean;
  /** Nodes fetched and written at once. */
  readonly concurrency: number;
  /** Called after each node copied or skipped, for progress notes. */
  readonly onNode?: (summary: ImportSummary, path: string) => void;
}

export interface ImportSummary {
  copied: number;
  overwritten: number;
  skippedExisting: number;
  skippedEphemeral: number;
  /** Listed by their parent but gone when read. */
  vanished: number;
  /** Data bytes of the nodes copied or overwritten. */
  bytes: number;
}

export type NodePlan =
  | { readonly type: "skip-ephemeral" }
  | { readonly type: "copy"; readonly kind: NodeKind; readonly ttlMs?: number; readonly acl: readonly AclEntry[] };

/** What a ZooKeeper node becomes in Keel; throws for what Keel cannot hold as it is. */
export function planNode(path: string, node: SourceNode): NodePlan {
  const owner = BigInt.asUintN(64, node.ephemeralOwner);
  const acl = aclForKeel(path, node.acl);
  if (owner === 0n) return { type: "copy", kind: "persistent", acl };
  if (owner === CONTAINER_OWNER) return { type: "copy", kind: "container", acl };
  if ((owner & EXTENDED_TYPE_MASK) === TTL_OWNER_PREFIX) {
    const ttlMs = Number(owner & TTL_VALUE_MASK);
    if (ttlMs < 1) throw new CliError(`${path} is a TTL node with TTL ${ttlMs} ms, which Keel cannot create`);
    return { type: "copy", kind: "ttl", ttlMs, acl };
  }
  return { type: "skip-ephemeral" };
}

/** ZooKeeper ACL entries as Keel's API takes them; refuses masked digests and foreign schemes. */
export function aclForKeel(path: string, acl: readonly SourceAcl[]): AclEntry[] {
  if (acl.length === 0) throw new CliError(`${path} has an empty ACL in ZooKeeper`);
  return acl.map(({ perms, id }) => {
    // ZooKeeper masks a digest id as `user:x` for a reader without ADMIN (ZOOKEEPER-1392, CVE-2019-0201);
    // a real id ends in a 28-character base64 SHA-1.
    if (id.scheme === "digest" && id.id.endsWith(":x"))
      throw new CliError(
        `ZooKeeper hid the digest ACL of ${path} (${id.id}: this session lacks ADMIN on it); pass --zookeeper-auth digest:USER:PASSWORD`,
      );
    if (id.scheme !== "world" && id.scheme !== "digest" && id.scheme !== "ip")
      throw new CliError(`the ACL of ${path} uses scheme ${id.scheme}, which keel zk-import cannot copy`);
    return { perms, scheme: id.scheme, id: id.id };
  });
}

/** Whether an anonymous Keel caller may create children under a node with this ACL. */
export function grantsWorldCreate(acl: readonly AclEntry[]): boolean {
  return acl.some((entry) => entry.scheme === "world" && entry.id === "anyone" && (entry.perms & PERM_CREATE) !== 0);
}

/** Where a source path lands: `sourceRoot` maps to `targetRoot`. */
export function targetPathOf(sourcePath: string, sourceRoot: string, targetRoot: string): string {
  const relative = sourceRoot === "/" ? sourcePath : sourcePath.slice(sourceRoot.length);
  if (targetRoot === "/") return relative === "" ? "/" : relative;
  return relative === "/" ? targetRoot : `${targetRoot}${relative}`;
}

export function childPath(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

interface FrontierEntry {
  readonly source: string;
  /** The ACL to set once this node's children are in (it was created with the open ACL). */
  readonly deferredAcl?: readonly AclEntry[];
}

export function emptySummary(): ImportSummary {
  return { copied: 0, overwritten: 0, skippedExisting: 0, skippedEphemeral: 0, vanished: 0, bytes: 0 };
}

/** Copies the subtree at `sourceRoot`; `sourceRoot` "/" copies only the root's descendants. */
export async function importTree(
  source: ImportSource,
  target: ImportTarget,
  options: ImportOptions,
): Promise<ImportSummary> {
  const summary = emptySummary();
  const frontier: FrontierEntry[] = [];
  if (options.sourceRoot === "/") {
    frontier.push({ source: "/" });
  } else {
    const root = await source.node(options.sourceRoot);
    if (root === undefined) throw new CliError(`${options.sourceRoot} does not exist in ZooKeeper`, 1, "NONODE");
    const entry = await copyNode(target, options, summary, options.sourceRoot, root);
    if (entry !== undefined) frontier.push(entry);
  }
  while (frontier.length > 0) {
    // Breadth-first, unless the frontier is full: then finish the newest subtree first.
    const entry = (frontier.length >= FRONTIER_NODES_MAX ? frontier.pop() : frontier.shift()) as FrontierEntry;
    await copyChildren(source, target, options, summary, entry, frontier);
  }
  return summary;
}

async function copyChildren(
  source: ImportSource,
  target: ImportTarget,
  options: ImportOptions,
  summary: ImportSummary,
  entry: FrontierEntry,
  frontier: FrontierEntry[],
): Promise<void> {
  const names = await source.children(entry.source);
  const paths = (names ?? [])
    .map((name) => childPath(entry.source, name))
    .filter((path) => path !== ZOOKEEPER_RESERVED_PATH)
    .sort();
  for (let start = 0; start < paths.length; start += options.concurrency) {
    const batch = paths.slice(start, start + options.concurrency);
    const nodes = await Promise.all(batch.map((path) => source.node(path)));
    const entries = await Promise.all(
      batch.map((path, index) => {
        const node = nodes[index];
        if (node !== undefined) return copyNode(target, options, summary, path, node);
        summary.vanished += 1;
        return undefined;
      }),
    );
    for (const child of entries) if (child !== undefined) frontier.push(child);
  }
  if (entry.deferredAcl !== undefined && !options.dryRun)
    await target.setAcl(targetPathOf(entry.source, options.sourceRoot, options.targetRoot), entry.deferredAcl);
}

/** Copies one node; returns its frontier entry when its children are to be walked. */
async function copyNode(
  target: ImportTarget,
  options: ImportOptions,
  summary: ImportSummary,
  path: string,
  node: SourceNode,
): Promise<FrontierEntry | undefined> {
  const plan = planNode(path, node);
  if (plan.type === "skip-ephemeral") {
    summary.skippedEphemeral += 1;
    options.onNode?.(summary, path);
    return undefined; // ephemerals have no children
  }
  const hasChildren = node.numChildren > 0;
  const deferAcl = hasChildren && !grantsWorldCreate(plan.acl);
  const data = node.data ?? new Uint8Array(0);
  const dataBase64 = Buffer.from(data).toString("base64");
  const targetPath = targetPathOf(path, options.sourceRoot, options.targetRoot);
  let deferredAcl = deferAcl ? plan.acl : undefined;
  if (options.dryRun) {
    summary.copied += 1;
    summary.bytes += data.length;
  } else {
    const outcome = await target.create({
      path: targetPath,
      dataBase64,
      kind: plan.kind,
      ...(plan.ttlMs === undefined ? {} : { ttlMs: plan.ttlMs }),
      acl: deferAcl ? OPEN_ACL : plan.acl,
    });
    if (outcome === "created") {
      summary.copied += 1;
      summary.bytes += data.length;
    } else if (options.existing === "fail") {
      throw new CliError(
        `${targetPath} already exists in Keel (the first conflict; ${summary.copied} nodes were copied before it): rerun with --skip-existing to keep existing nodes or --overwrite to replace their data`,
        1,
        "NODEEXISTS",
      );
    } else if (options.existing === "skip") {
      summary.skippedExisting += 1;
      deferredAcl = undefined; // an existing node keeps its ACL
    } else {
      await target.setData(targetPath, dataBase64);
      if (!deferAcl) await target.setAcl(targetPath, plan.acl);
      summary.overwritten += 1;
      summary.bytes += data.length;
    }
  }
  options.onNode?.(summary, path);
  if (!hasChildren) return undefined;
  return deferredAcl === undefined ? { source: path } : { source: path, deferredAcl };
}
