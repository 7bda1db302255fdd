/**
 * `keel zk-import`: a live copy of a ZooKeeper subtree into Keel (docs/zookeeper-compat.md,
 * "Migrating"). It reads ZooKeeper over its own wire protocol (zk-wire-client.ts) and writes through
 * Keel's HTTP API; the walk itself is zk-import-plan.ts.
 */
import type { AclEntry } from "@keel/api";
import { integerOption } from "../args.js";
import { CliError, UsageError } from "../cli-error.js";
import type { Command, CommandContext } from "../command.js";
import { flag, stringOption } from "../command.js";
import { json, keyValues } from "../format.js";
import { ancestors } from "../node-kind.js";
import type { Remote } from "../remote.js";
import {
  type CreateRequest,
  type ExistingPolicy,
  type ImportSource,
  type ImportSummary,
  type ImportTarget,
  importTree,
  type SourceNode,
} from "../zk-import-plan.js";
import { parseConnectString, ZkConnectionError, ZkReplyError, ZkWireClient } from "../zk-wire-client.js";

const CONCURRENCY_DEFAULT = 16;
const CONCURRENCY_MAX = 256;
const SESSION_TIMEOUT_MS = 30_000;
/** A progress note every this many nodes. */
const PROGRESS_EVERY_NODES = 1000;

export const zkImportCommand: Command = {
  name: "zk-import",
  summary: "copy a ZooKeeper subtree (data, ACLs) into Keel, from a running ZooKeeper",
  synopsis: "--zookeeper HOST:PORT[,HOST:PORT] [--path P] [--to-path P]",
  help: [
    "Walks ZooKeeper breadth-first from --path and creates each node in Keel under --to-path, parents",
    "first, with the same data bytes and ACL (world, digest and ip entries). Sequential names are kept",
    "(created as plain persistent nodes). Ephemeral nodes and /zookeeper are not copied. ZooKeeper shows",
    "containers and TTL nodes to clients as persistent ones, so they arrive persistent. It is a live copy,",
    "not a snapshot: stop writers for an exact one.",
    "A node that already exists in Keel stops the import (exit 1, NODEEXISTS) unless --skip-existing",
    "keeps it or --overwrite replaces its data and ACL; rerun with --skip-existing to resume.",
    "Nodes ZooKeeper hides from an anonymous session (NOAUTH, digest ids shown as user:x) need",
    "--zookeeper-auth for a user that may read and administer them.",
    "Progress goes to stderr, the summary (copied, skipped, bytes) to stdout.",
  ].join("\n"),
  options: {
    zookeeper: { type: "string", valueName: "HOSTS", description: "the ZooKeeper servers, host:port[,host:port]" },
    path: { type: "string", valueName: "PATH", description: "the ZooKeeper subtree to copy (default /)" },
    "to-path": { type: "string", valueName: "PATH", description: "where --path lands in Keel (default: --path)" },
    "dry-run": { type: "boolean", description: "only walk ZooKeeper and print what would be copied" },
    "skip-existing": { type: "boolean", description: "keep nodes that already exist in Keel" },
    overwrite: { type: "boolean", description: "replace the data and ACL of nodes that already exist in Keel" },
    "zookeeper-auth": {
      type: "string",
      multiple: true,
      valueName: "SCHEME:AUTH",
      description: "authenticate to ZooKeeper first, e.g. digest:admin:secret (repeatable)",
    },
    concurrency: {
      type: "string",
      valueName: "N",
      description: `nodes read and written at once (default ${CONCURRENCY_DEFAULT})`,
    },
  },
  positionals: { min: 0, max: 0 },
  async run(context, args) {
    const hosts = stringOption(args, "zookeeper");
    if (hosts === undefined) throw new UsageError("--zookeeper is required (host:port[,host:port])", "zk-import");
    let addresses: ReturnType<typeof parseConnectString>;
    try {
      addresses = parseConnectString(hosts);
    } catch (error) {
      throw new UsageError(`--zookeeper: ${(error as Error).message}`, "zk-import");
    }
    const sourceRoot = absolutePath("path", stringOption(args, "path") ?? "/");
    const targetRoot = absolutePath("to-path", stringOption(args, "to-path") ?? sourceRoot);
    if (flag(args, "skip-existing") && flag(args, "overwrite"))
      throw new UsageError("--skip-existing and --overwrite exclude each other", "zk-import");
    const existing: ExistingPolicy = flag(args, "skip-existing")
      ? "skip"
      : flag(args, "overwrite")
        ? "overwrite"
        : "fail";
    const concurrency =
      integerOption("concurrency", stringOption(args, "concurrency"), 1, CONCURRENCY_MAX) ?? CONCURRENCY_DEFAULT;
    const auths = authOptions(args.values["zookeeper-auth"]);
    const dryRun = flag(args, "dry-run");

    const zookeeper = await ZkWireClient.connect(addresses, {
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      connectTimeoutMs: context.timeoutMs,
    }).catch((error: unknown) => {
      throw new CliError((error as Error).message, 1, "CONNECTIONLOSS");
    });
    const stopOnAbort = () => void zookeeper.close();
    context.signal.addEventListener("abort", stopOnAbort, { once: true });
    try {
      for (const auth of auths) await zookeeper.addAuth(auth.scheme, auth.credentials).catch(zkFailure);
      if (!dryRun) await ensureTargetParents(context.remote, sourceRoot, targetRoot);
      context.note(
        `${dryRun ? "walking" : "copying"} ${zookeeper.address.host}:${zookeeper.address.port}${sourceRoot} to Keel ${targetRoot}`,
      );
      const summary = await importTree(zookeeperSource(zookeeper), keelTarget(context.remote), {
        sourceRoot,
        targetRoot,
        existing,
        dryRun,
        concurrency,
        onNode: progress(context),
      }).catch(zkFailure);
      printSummary(context, { sourceRoot, targetRoot, dryRun }, summary);
      return 0;
    } catch (error) {
      // Ctrl-C closes the ZooKeeper session under the walk: say so instead of a connection error.
      if (context.signal.aborted)
        throw new CliError("interrupted; what was copied stays, rerun with --skip-existing to continue");
      throw error;
    } finally {
      context.signal.removeEventListener("abort", stopOnAbort);
      await zookeeper.close();
    }
  },
};

function absolutePath(option: string, value: string): string {
  if (!value.startsWith("/") || (value.length > 1 && value.endsWith("/")) || value.includes("//"))
    throw new UsageError(
      `--${option} must be an absolute path such as /app, got ${JSON.stringify(value)}`,
      "zk-import",
    );
  return value;
}

function authOptions(value: string | boolean | (string | boolean)[] | undefined) {
  const values = (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (item): item is string => typeof item === "string",
  );
  return values.map((item) => {
    const colon = item.indexOf(":");
    if (colon < 1) throw new UsageError(`--zookeeper-auth takes SCHEME:AUTH, got ${JSON.stringify(item)}`, "zk-import");
    return { scheme: item.slice(0, colon), credentials: new TextEncoder().encode(item.slice(colon + 1)) };
  });
}

/** ZooKeeper failures become CLI errors with ZooKeeper's code; the rest pass through. */
function zkFailure(error: unknown): never {
  if (error instanceof ZkReplyError) throw new CliError(`ZooKeeper: ${error.message}`, 1, error.code);
  if (error instanceof ZkConnectionError) throw new CliError(`ZooKeeper: ${error.message}`, 1, "CONNECTIONLOSS");
  throw error;
}

function zookeeperSource(zookeeper: ZkWireClient): ImportSource {
  const vanishedAsUndefined = (error: unknown) => {
    if (error instanceof ZkReplyError && error.code === "NONODE") return undefined;
    if (error instanceof ZkReplyError && error.code === "NOAUTH")
      throw new CliError(
        `ZooKeeper refused to read ${error.path ?? "a node"} (its ACL): pass --zookeeper-auth digest:USER:PASSWORD for a user that may read it`,
        1,
        "NOAUTH",
      );
    throw error;
  };
  return {
    async node(path) {
      let replies: [Awaited<ReturnType<ZkWireClient["getData"]>>, Awaited<ReturnType<ZkWireClient["getACL"]>>];
      try {
        // Pipelined: both requests leave before the first reply comes back.
        replies = await Promise.all([zookeeper.getData(path), zookeeper.getACL(path)]);
      } catch (error) {
        return vanishedAsUndefined(error);
      }
      const [data, acl] = replies;
      const node: SourceNode = {
        data: data.data,
        acl: acl.acl,
        ephemeralOwner: data.stat.ephemeralOwner,
        numChildren: data.stat.numChildren,
      };
      return node;
    },
    async children(path) {
      const listing = await zookeeper.getChildren2(path).catch(vanishedAsUndefined);
      return listing?.children;
    },
  };
}

function keelTarget(remote: Remote): ImportTarget {
  return {
    async create(request: CreateRequest) {
      try {
        await remote.write((client, signal) =>
          client.node.create.mutate({ ...request, acl: [...request.acl] }, { signal }),
        );
        return "created";
      } catch (error) {
        if (error instanceof CliError && error.keelCode === "NODEEXISTS") return "exists";
        // Keel checks CREATE on the parent before existence, so a node under a parent whose copied
        // ACL shuts out keel's anonymous caller answers NOAUTH even when it exists (a rerun).
        if (error instanceof CliError && error.keelCode === "NOAUTH") {
          const { stat } = await remote.read((client, signal) =>
            client.node.exists.query({ path: request.path, linearizable: true }, { signal }),
          );
          if (stat !== null) return "exists";
          throw new CliError(
            `cannot create ${request.path}: its parent's ACL in Keel does not let keel's anonymous caller CREATE (${error.message})`,
            1,
            "NOAUTH",
          );
        }
        throw error;
      }
    },
    async setData(path, dataBase64) {
      await remote.write((client, signal) => client.node.set.mutate({ path, dataBase64, version: -1 }, { signal }));
    },
    async setAcl(path, acl: readonly AclEntry[]) {
      await remote.write((client, signal) =>
        client.node.setAcl.mutate({ path, acl: [...acl], aversion: -1 }, { signal }),
      );
    },
  };
}

/** The Keel parents of the import's landing place must exist; they are created plain, as `create -p` does. */
async function ensureTargetParents(remote: Remote, sourceRoot: string, targetRoot: string): Promise<void> {
  // With source "/", only descendants are copied, so the landing node itself must exist too.
  const needed =
    sourceRoot === "/" && targetRoot !== "/" ? [...ancestors(targetRoot), targetRoot] : ancestors(targetRoot);
  for (const path of needed) {
    try {
      await remote.write((client, signal) => client.node.create.mutate({ path }, { signal }));
    } catch (error) {
      if (!(error instanceof CliError && error.keelCode === "NODEEXISTS")) throw error;
    }
  }
}

function progress(context: CommandContext): (summary: ImportSummary, path: string) => void {
  let noted = 0;
  return (summary, path) => {
    const seen = summary.copied + summary.overwritten + summary.skippedExisting + summary.skippedEphemeral;
    if (seen - noted < PROGRESS_EVERY_NODES) return;
    noted = seen;
    context.note(`${seen} nodes (${summary.copied} copied, ${summary.bytes} bytes), at ${path}`);
  };
}

function printSummary(
  context: CommandContext,
  where: { sourceRoot: string; targetRoot: string; dryRun: boolean },
  summary: ImportSummary,
): void {
  if (context.json) {
    context.out(json({ ...where, ...summary }));
    return;
  }
  const verb = where.dryRun ? "would copy" : "copied";
  context.out(
    keyValues([
      [verb, `${summary.copied} nodes from ZooKeeper ${where.sourceRoot} to Keel ${where.targetRoot}`],
      ["bytes", String(summary.bytes)],
      ["overwritten", String(summary.overwritten)],
      ["skipped existing", String(summary.skippedExisting)],
      ["skipped ephemeral", String(summary.skippedEphemeral)],
      ["vanished", String(summary.vanished)],
    ]),
  );
}
