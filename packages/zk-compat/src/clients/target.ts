/**
 * The 3-node ensemble the client tests run against: Keel by default (each member's ZooKeeper wire
 * port), or Debian's ZooKeeper with ZK_COMPAT_TARGET=zookeeper, so a failing client program can be
 * checked against the reference server before the server is blamed.
 */
import { Ensemble, startZooKeeper, type ZooKeeperEnsemble } from "@keel/testkit";

export interface Target {
  readonly kind: "keel" | "zookeeper";
  /** Every member, as a ZooKeeper connect string. */
  readonly connectString: string;
  readonly memberIds: readonly number[];
  /** `127.0.0.1:<port>` of one member's ZooKeeper port. */
  hostOf(id: number): string;
  /** Every member, member `id` first (clients that do not shuffle hosts connect there first). */
  connectStringFrom(id: number): string;
  /** Waits until one member leads and every running member serves; returns the leader's id. */
  waitForLeader(): Promise<number>;
  kill(id: number): Promise<void>;
  restart(id: number): void;
  /** The Keel ensemble (HTTP API checks); undefined against ZooKeeper. */
  readonly keel: Ensemble | undefined;
  close(): Promise<void>;
}

const leaderTimeoutMs = 90_000;

function rotatedFrom(ids: readonly number[], first: number): number[] {
  const index = ids.indexOf(first);
  if (index < 0) throw new Error(`no member ${first}`);
  return [...ids.slice(index), ...ids.slice(0, index)];
}

function keelTarget(ensemble: Ensemble): Target {
  const hostOf = (id: number) => `127.0.0.1:${ensemble.member(id).zkPort}`;
  const memberIds = ensemble.members.map((m) => m.id);
  return {
    kind: "keel",
    connectString: memberIds.map(hostOf).join(","),
    memberIds,
    hostOf,
    connectStringFrom: (id) => rotatedFrom(memberIds, id).map(hostOf).join(","),
    waitForLeader: () => ensemble.waitForLeader({ timeoutMs: leaderTimeoutMs }),
    kill: (id) => ensemble.kill(id),
    restart: (id) => ensemble.startMember(id),
    keel: ensemble,
    close: () => ensemble.close(),
  };
}

function zookeeperTarget(quorum: ZooKeeperEnsemble): Target {
  const hostOf = (id: number) => `127.0.0.1:${quorum.member(id).clientPort}`;
  const memberIds = quorum.members.map((m) => m.id);
  return {
    kind: "zookeeper",
    connectString: memberIds.map(hostOf).join(","),
    memberIds,
    hostOf,
    connectStringFrom: (id) => rotatedFrom(memberIds, id).map(hostOf).join(","),
    waitForLeader: () => quorum.waitForLeader(leaderTimeoutMs),
    kill: (id) => quorum.kill(id),
    restart: (id) => quorum.startMember(id),
    keel: undefined,
    close: () => quorum.stop(),
  };
}

export function targetKind(): "keel" | "zookeeper" {
  return process.env.ZK_COMPAT_TARGET === "zookeeper" ? "zookeeper" : "keel";
}

/** Starts the 3-node target (by default the one ZK_COMPAT_TARGET names) and waits until it serves. */
export async function startTarget(kind: "keel" | "zookeeper" = targetKind()): Promise<Target> {
  const target =
    kind === "zookeeper"
      ? zookeeperTarget(await startZooKeeper({ nodes: 3 }))
      : keelTarget(await Ensemble.start({ voters: 3 }));
  try {
    await target.waitForLeader();
  } catch (error) {
    await target.close();
    throw error;
  }
  return target;
}
