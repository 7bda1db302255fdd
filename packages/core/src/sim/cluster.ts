/**
 * N replicas (voters and observers, and spares that join later) driven by the real zab/driver.ts
 * over a simulated network and memory disks, with crashes, restarts, partitions, client traffic and
 * membership changes drawn from one seed.
 */
import type { KeelState } from "../app/keel-state.js";
import { assert } from "../assert.js";
import { membershipOfTxn } from "../codec/txn-codec.js";
import type { PeerId, SessionId } from "../ids.js";
import { formatZxid, peerId, ZXID_ZERO } from "../ids.js";
import type { LeaderApplication } from "../zab/application.js";
import { REPLICA_CONFIG_DEFAULTS, type ReplicaConfig } from "../zab/config.js";
import type { MembershipSource } from "../zab/configurations.js";
import { drive, type ReplicaIo } from "../zab/driver.js";
import type { DurableWrite, LogEntry, SnapshotHeader } from "../zab/io.js";
import { type Membership, sortedMembership } from "../zab/membership.js";
import type { PeerMessage } from "../zab/messages.js";
import type { ReplicaEvent, Reply } from "../zab/ready.js";
import { Replica, type ReplicaInput } from "../zab/replica.js";
import {
  encodeRequest,
  type MembershipOfTxn,
  REQUEST_WRITE,
  SimApplication,
  SimStateMachine,
  simMember,
  simMembershipOfTxn,
  txnRequest,
} from "./app.js";
import { MemoryDisk } from "./disk.js";
import { Checker, InvariantViolation } from "./invariants.js";
import { checkKeelReplicas, keelRequest, newKeelState, restoreKeelState } from "./keel-mode.js";
import { LeaderAcks } from "./leader-acks.js";
import { type MembershipChange, membershipChangeRequest, pickMembershipChange } from "./membership-changes.js";
import { decodeOrThrow, Network, RELIABLE } from "./network.js";
import { Prng } from "./prng.js";
import type { Schedule } from "./schedule.js";
import { Trace } from "./trace.js";

class SimCrash extends Error {}

interface SimNode {
  readonly id: PeerId;
  readonly voter: boolean;
  /** A spare: started to join (`joining: "voter"`), in no configuration until a change adds it. */
  readonly spare: boolean;
  readonly disk: MemoryDisk;
  sm: SimStateMachine;
  replica: Replica | undefined;
  app: LeaderApplication;
  /** The real znode application, in keel mode. */
  keel: KeelState | undefined;
  /** Crash inside the next persist: the sendBeforePersist messages are out, the write is lost. */
  crashInPersist: boolean;
  /** Tick phase, so replicas do not tick in lockstep. */
  readonly tickOffsetMs: number;
  readonly io: ReplicaIo;
}

export interface SimResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly violation: InvariantViolation | undefined;
  readonly trace: string[];
  readonly stats: {
    readonly simulatedMs: number;
    readonly messages: number;
    readonly committed: number;
    readonly epochs: number;
    readonly crashes: number;
    readonly partitions: number;
    /** LINK_DOWN inputs stepped (partitions, crashes, link resets). */
    readonly linkDowns: number;
    /** Membership changes asked for, and committed (refused ones commit as no-ops). */
    readonly reconfigsRequested: number;
    readonly reconfigsCommitted: number;
    /** Committed changes that removed the leader that proposed them, and leaders that stepped down for it. */
    readonly leaderRemovals: number;
    readonly removedLeaderStepDowns: number;
    readonly fingerprint: string;
  };
  readonly sentByType: ReadonlyMap<string, number>;
}

const SESSION_TIMEOUT_MS = 300;
/** Snapshot chunk target in keel mode: tiny, so a SNAP of a few dozen znodes is many chunks. */
const SIM_KEEL_CHUNK_BYTES = 96;

export class Simulation {
  private readonly prng: Prng;
  /** Its own stream, so link resets leave every other decision of a seed unchanged. */
  private readonly linkPrng: Prng;
  private readonly network: Network;
  private readonly nodes: SimNode[] = [];
  private readonly checker: Checker;
  private readonly trace: Trace;
  private readonly config: Omit<ReplicaConfig, "self">;
  private nowMs = 0;
  private nextRequestId = 1;
  private crashes = 0;
  private partitions = 0;
  private linkDowns = 0;
  /** Probe requests submitted after faults stopped: requestId -> peers that applied it. */
  private readonly probes = new Map<number, Set<PeerId>>();
  /** Pending syncs: syncId -> committed count when issued. */
  private readonly syncs = new Map<number, number>();
  /** Sessions created so far (keel mode): requests and touches use them. */
  private readonly sessions: SessionId[] = [];
  private readonly keelMode: boolean;
  /** Its own stream (like linkPrng), drawn only when the schedule changes memberships. */
  private readonly memberPrng: Prng;
  private readonly membershipOf: MembershipOfTxn;
  /** The static configuration (with placeholder addresses), as a server builds it from its --peer list. */
  private readonly bootstrap: Membership;
  private reconfigsRequested = 0;
  /** What each leading replica heard acknowledged, to check its commits against. */
  private readonly leaderAcks = new Map<PeerId, LeaderAcks>();
  private removedLeaderStepDowns = 0;

  constructor(
    private readonly schedule: Schedule,
    traceLength = 200,
  ) {
    this.keelMode = schedule.app === "keel";
    this.prng = new Prng(schedule.seed);
    this.linkPrng = new Prng(schedule.seed ^ 0x11e_d0e5);
    this.memberPrng = new Prng(schedule.seed ^ 0x3e3b_e125);
    this.membershipOf = this.keelMode ? membershipOfTxn : simMembershipOfTxn;
    this.network = new Network(this.prng.fork());
    this.trace = new Trace(traceLength);
    const voters = Array.from({ length: schedule.voters }, (_, i) => peerId(i + 1));
    const observers = Array.from({ length: schedule.observers }, (_, i) => peerId(schedule.voters + i + 1));
    this.config = { ...REPLICA_CONFIG_DEFAULTS, voters, observers };
    this.bootstrap = sortedMembership(ZXID_ZERO, [
      ...voters.map((id) => simMember(id, "voter")),
      ...observers.map((id) => simMember(id, "observer")),
    ]);
    for (const id of [...voters, ...observers]) this.nodes.push(this.makeNode(id, voters.includes(id), false));
    const spares = schedule.membership?.spares ?? 0;
    for (let i = 0; i < spares; i++) this.nodes.push(this.makeNode(peerId(this.nodes.length + 1), false, true));
    const disks = new Map(this.nodes.map((node) => [node.id, node.disk]));
    this.checker = new Checker(this.bootstrap, disks, !this.keelMode, this.membershipOf);
    for (const node of this.nodes) this.start(node);
  }

  private makeNode(id: PeerId, voter: boolean, spare: boolean): SimNode {
    const node: SimNode = {
      id,
      voter,
      spare,
      disk: new MemoryDisk(),
      sm: new SimStateMachine(),
      replica: undefined,
      app: new SimApplication(SESSION_TIMEOUT_MS),
      keel: undefined,
      crashInPersist: false,
      tickOffsetMs: (spare ? this.memberPrng : this.prng).int(this.schedule.tickMs),
      io: undefined as unknown as ReplicaIo,
    };
    (node as { io: ReplicaIo }).io = this.makeIo(node);
    return node;
  }

  private makeIo(node: SimNode): ReplicaIo {
    return {
      persist: (write: DurableWrite) => this.persist(node, write),
      send: (to: PeerId, message: PeerMessage) => {
        this.trace.add(this.nowMs, `${node.id}->${to}`, message);
        this.acksHeardBy(node)?.sent(to, message);
        this.network.send(this.nowMs, node.id, to, message);
      },
      restore: (header: SnapshotHeader) => {
        // As the server does: the installed snapshot is read back from the (durable) disk.
        const snapshot = node.disk.snapshot;
        assert(snapshot !== undefined && snapshot.zxid === header.zxid, "sim: restoring a snapshot not installed");
        node.sm = SimStateMachine.fromSnapshot(snapshot, this.membershipOf);
        // In place: the replica's LeaderApplication is this very KeelState.
        if (node.keel !== undefined) restoreKeelState(node.keel, snapshot);
        this.checker.checkState(node.id, "restored a snapshot", node.sm);
        this.trace.add(this.nowMs, `${node.id} restore`, formatZxid(snapshot.zxid));
      },
      apply: (entries: readonly LogEntry[]) => this.apply(node, entries),
      reply: (replies: readonly Reply[]) => this.reply(node, replies),
      observe: (events: readonly ReplicaEvent[]) => {
        for (const event of events) {
          this.trace.add(this.nowMs, `${node.id} event`, event);
          if (event.type === "STEP_DOWN" && event.reason.startsWith("removed from the voters"))
            this.removedLeaderStepDowns += 1;
        }
      },
    };
  }

  private persist(node: SimNode, write: DurableWrite): void {
    if (node.crashInPersist) throw new SimCrash();
    const held = this.checker.beforePersist(node.disk, write);
    node.disk.write(write);
    this.checker.afterPersist(node.id, node.disk, held, write);
  }

  private apply(node: SimNode, entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      this.checker.onApply(node.id, node.sm, node.disk, entry);
      node.sm.apply(entry);
      if (node.keel !== undefined) {
        const applied = node.keel.apply(entry);
        if (applied.txnType === "createSession" && !this.sessions.includes(applied.header.sessionId)) {
          this.sessions.push(applied.header.sessionId);
        }
        if (applied.header.origin.peer !== 0) this.probes.get(applied.header.origin.requestId)?.add(node.id);
        continue;
      }
      const request = txnRequest(entry.txn);
      if (request.kind === REQUEST_WRITE) this.probes.get(request.requestId)?.add(node.id);
    }
    this.trace.add(this.nowMs, `${node.id} apply`, `${entries.length} up to ${formatZxid(node.sm.lastZxid)}`);
  }

  private reply(node: SimNode, replies: readonly Reply[]): void {
    for (const reply of replies) {
      if (reply.type === "SYNCED") {
        const issued = this.syncs.get(reply.syncId);
        if (issued !== undefined) this.checker.onSynced(node.id, node.sm, issued);
        this.syncs.delete(reply.syncId);
      } else if (reply.type === "SYNC_FAILED") this.syncs.delete(reply.syncId);
    }
  }

  private start(node: SimNode): void {
    node.disk.open();
    node.sm = SimStateMachine.fromSnapshot(node.disk.snapshot, this.membershipOf);
    node.keel = this.keelMode ? newKeelState(node.disk.snapshot) : undefined;
    node.app = node.keel ?? new SimApplication(SESSION_TIMEOUT_MS);
    node.crashInPersist = false;
    node.replica = new Replica({
      // A spare restarts with --join too: once a change added it, its applied state or log says so.
      config: { ...this.config, self: node.id, ...(node.spare ? { joining: "voter" as const } : {}) },
      log: node.disk,
      app: node.app,
      random: this.prng.fork(),
      appliedZxid: node.sm.lastZxid,
      membership: this.membershipSource(node),
    });
    this.trace.add(this.nowMs, `${node.id} start`, `applied ${formatZxid(node.sm.lastZxid)}`);
    this.drive(node);
  }

  /** As the server's: the applied state's membership (read at call time: a restore replaces the state). */
  private membershipSource(node: SimNode): MembershipSource {
    return {
      ofTxn: this.membershipOf,
      applied: () => (node.keel === undefined ? node.sm.membership : (node.keel.membership() ?? this.bootstrap)),
    };
  }

  private crash(node: SimNode, reason: string): void {
    node.replica = undefined;
    this.crashes += 1;
    this.trace.add(this.nowMs, `${node.id} crash`, reason);
    // The crashed process's sockets close: every peer still connected to it sees its link drop.
    for (const other of this.nodes) {
      if (other !== node && this.network.connected(node.id, other.id)) this.linkDown(other, node.id);
    }
  }

  /** `node` learns that its connection to `peer` closed (PeerNetwork's onPeerDown on a server). */
  private linkDown(node: SimNode, peer: PeerId): void {
    if (!this.schedule.linkDown || node.replica === undefined) return;
    this.trace.add(this.nowMs, `${node.id} link down`, `to ${peer}`);
    this.linkDowns += 1;
    node.replica.step({ type: "LINK_DOWN", peer });
    this.drive(node);
  }

  /** A connection reset between two live peers: in-flight messages lost, both ends told. */
  private resetLink(a: SimNode, b: SimNode): void {
    if (a === b || a.replica === undefined || b.replica === undefined || !this.network.connected(a.id, b.id)) return;
    this.network.cut(a.id, b.id);
    this.trace.add(this.nowMs, "link reset", `${a.id}-${b.id}`);
    this.linkDown(a, b.id);
    this.linkDown(b, a.id);
  }

  private drive(node: SimNode): void {
    const { replica } = node;
    if (replica === undefined) return;
    try {
      drive(replica, node.io);
    } catch (error) {
      if (!(error instanceof SimCrash)) throw error;
      this.crash(node, "during a persist");
      return;
    }
    const epoch = replica.establishedEpoch;
    if (epoch !== undefined) this.checker.onEstablished(node.id, epoch);
    this.checker.checkCommittedMembership(node.id, node.sm, replica.committedMembership);
    const acks = this.acksHeardBy(node);
    if (acks === undefined) {
      this.leaderAcks.delete(node.id);
    } else if (replica.committedZxid > acks.checkedZxid) {
      const { disk } = node;
      this.checker.checkLeaderCommit(node.id, acks.checkedZxid, replica.committedZxid, (zxid) => [
        ...(disk.find(zxid) !== undefined || (disk.snapshot?.zxid ?? 0n) >= zxid ? [node.id] : []),
        ...acks.ackedAtLeast(zxid),
      ]);
      acks.checkedZxid = replica.committedZxid;
    }
  }

  /** The acknowledgements `node` heard while leading (undefined unless it leads now). */
  private acksHeardBy(node: SimNode): LeaderAcks | undefined {
    const { replica } = node;
    if (replica === undefined || replica.state !== "LEADING") return undefined;
    let acks = this.leaderAcks.get(node.id);
    if (acks?.replica !== replica) {
      acks = new LeaderAcks(replica, replica.committedZxid);
      this.leaderAcks.set(node.id, acks);
    }
    return acks;
  }

  private input(node: SimNode, input: ReplicaInput): void {
    node.replica?.step(input);
  }

  run(): SimResult {
    let violation: InvariantViolation | undefined;
    const { schedule } = this;
    const endMs = schedule.faultMs + schedule.livenessTicksMax * schedule.tickMs;
    this.network.faults = schedule.faults;
    try {
      for (this.nowMs = 0; ; this.nowMs++) {
        if (this.nowMs === schedule.faultMs) this.stopFaults();
        this.deliver();
        this.tick();
        if (this.nowMs < schedule.faultMs) {
          this.injectFaults();
          this.changeMembership();
        }
        this.clients();
        if (this.nowMs > schedule.faultMs && this.live()) break;
        if (this.nowMs >= endMs) {
          for (const node of this.nodes) this.trace.add(this.nowMs, `${node.id} state`, this.describe(node));
          throw new InvariantViolation(
            "liveness",
            `no leader with all requests committed ${schedule.livenessTicksMax} ticks after faults stopped`,
          );
        }
      }
    } catch (error) {
      if (error instanceof InvariantViolation) violation = error;
      else
        violation = new InvariantViolation(
          "assertion",
          error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        );
      this.trace.add(this.nowMs, "VIOLATION", violation.message);
    }
    return this.result(violation);
  }

  private deliver(): void {
    const byNode = new Map<PeerId, PeerMessage[]>();
    for (const packet of this.network.due(this.nowMs)) {
      const node = this.nodes[packet.to - 1] as SimNode;
      if (node.replica === undefined) continue;
      const message = decodeOrThrow(packet.bytes);
      this.trace.add(this.nowMs, `${packet.from}=>${packet.to}`, message);
      this.acksHeardBy(node)?.delivered(packet.from, message);
      node.replica.step({ type: "MESSAGE", from: packet.from, message });
      byNode.set(node.id, []);
    }
    for (const id of byNode.keys()) this.drive(this.nodes[id - 1] as SimNode);
  }

  private tick(): void {
    for (const node of this.nodes) {
      if (node.replica === undefined || (this.nowMs + node.tickOffsetMs) % this.schedule.tickMs !== 0) continue;
      node.replica.tick(this.nowMs);
      this.drive(node);
    }
  }

  private injectFaults(): void {
    const { prng, schedule } = this;
    if (prng.chance(schedule.crashRate)) {
      const node = prng.pick(this.nodes);
      if (node.replica !== undefined) {
        if (prng.chance(0.5)) node.crashInPersist = true;
        else this.crash(node, "now");
      }
    }
    if (prng.chance(schedule.restartRate)) {
      const node = prng.pick(this.nodes);
      if (node.replica === undefined) this.start(node);
    }
    if (prng.chance(schedule.partitionRate)) {
      const sides: PeerId[][] = [[], []];
      for (const node of this.nodes) sides[prng.int(2)]?.push(node.id);
      const before = this.nodes.map((a) => this.nodes.map((b) => this.network.connected(a.id, b.id)));
      this.network.partition(sides);
      this.partitions += 1;
      this.trace.add(this.nowMs, "partition", sides.map((side) => side.join(",")).join(" | "));
      for (const [i, a] of this.nodes.entries()) {
        for (const [j, b] of this.nodes.entries()) {
          if (i !== j && before[i]?.[j] === true && !this.network.connected(a.id, b.id)) this.linkDown(a, b.id);
        }
      }
    }
    if (prng.chance(schedule.healRate)) {
      this.network.heal();
      this.trace.add(this.nowMs, "heal", "");
    }
    if (this.linkPrng.chance(schedule.linkResetRate)) {
      this.resetLink(this.linkPrng.pick(this.nodes), this.linkPrng.pick(this.nodes));
    }
    if (prng.chance(schedule.snapshotRate)) {
      const node = prng.pick(this.nodes);
      const base = node.disk.snapshot?.zxid ?? 0n;
      // As the server's purge does: never drop a snapshot or log a learner's sync still reads.
      const retain = node.replica?.syncRetainZxid;
      if (
        node.replica !== undefined &&
        node.sm.lastZxid > base &&
        (retain === undefined || retain >= node.sm.lastZxid)
      ) {
        const snapshot = node.sm.snapshot();
        // Small chunks, so a SNAP streams many of them through the window.
        const keelChunks = node.keel === undefined ? [] : [...node.keel.snapshotChunks(SIM_KEEL_CHUNK_BYTES)];
        node.disk.takeSnapshot({ zxid: snapshot.zxid, chunks: [...snapshot.chunks, ...keelChunks] });
        this.trace.add(this.nowMs, `${node.id} snapshot`, formatZxid(node.sm.lastZxid));
      }
    }
  }

  /**
   * An admin asks a random live replica (a learner forwards it) for one membership change, judged
   * against the membership it last saw committed; the leader may refuse it (docs/protocol.md §8).
   */
  private changeMembership(): void {
    const plan = this.schedule.membership;
    const prng = this.memberPrng;
    if (plan === undefined || !prng.chance(plan.changeRate)) return;
    const live = this.nodes.filter((node) => node.replica !== undefined);
    if (live.length === 0) return;
    const leader = this.currentLeader();
    const change: MembershipChange | undefined = pickMembershipChange(prng, {
      membership: this.checker.currentMembership,
      replicas: this.nodes.map((node) => node.id),
      leader: leader?.id,
      votersMin: plan.votersMin,
      roleChanges: !this.keelMode,
    });
    if (change === undefined) return;
    const node = prng.pick(live);
    const requestId = this.nextRequestId++;
    const request = membershipChangeRequest(this.checker.currentMembership, change, {
      keel: this.keelMode,
      origin: node.id,
      requestId,
      fromVersion: prng.chance(0.5) || !this.keelMode ? this.checker.currentMembership.version : undefined,
    });
    this.reconfigsRequested += 1;
    this.trace.add(this.nowMs, `${node.id} reconfig`, change);
    this.input(node, { type: "REQUEST", requestId, request });
    this.drive(node);
  }

  /** One replica's role and view of the membership, for a liveness failure's trace. */
  private describe(node: SimNode): string {
    const { replica } = node;
    if (replica === undefined) return "down";
    const members = (membership: Membership): string =>
      `${formatZxid(membership.version)}[${membership.members.map((m) => `${m.id}${m.role === "voter" ? "v" : "o"}`).join(",")}]`;
    return [
      replica.state,
      `leader ${replica.leaderId ?? "-"}`,
      replica.serving ? "serving" : "not serving",
      `voter ${replica.isVoter}`,
      `epochs ${replica.acceptedEpoch}/${replica.currentEpoch}`,
      `logged ${formatZxid(replica.lastLoggedZxid)} committed ${formatZxid(replica.committedZxid)}`,
      `membership ${members(replica.committedMembership)} newest ${members(replica.membership)}`,
    ].join(", ");
  }

  /** The established leader of the newest epoch, if any. */
  private currentLeader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const node of this.nodes) {
      const epoch = node.replica?.establishedEpoch;
      if (epoch !== undefined && (best === undefined || epoch > (best.replica?.establishedEpoch ?? 0))) best = node;
    }
    return best;
  }

  private stopFaults(): void {
    this.network.heal();
    this.network.faults = RELIABLE;
    for (const node of this.nodes) {
      node.crashInPersist = false;
      if (node.replica === undefined) this.start(node);
    }
    this.trace.add(this.nowMs, "faults stop", "healed, all restarted, network reliable");
  }

  private clients(): void {
    const { prng, schedule } = this;
    const quiet = this.nowMs >= schedule.faultMs;
    const node = prng.pick(this.nodes);
    if (node.replica === undefined) return;
    if (prng.chance(quiet ? 0.02 : schedule.requestRate)) {
      const requestId = this.nextRequestId++;
      if (quiet && node.replica.serving) this.probes.set(requestId, new Set());
      const request = this.keelMode
        ? keelRequest(prng, node.id, requestId, this.sessions)
        : encodeRequest({ kind: REQUEST_WRITE, origin: node.id, requestId, session: BigInt(1 + prng.int(8)) });
      this.input(node, { type: "REQUEST", requestId, request });
    } else if (prng.chance(schedule.syncRate)) {
      const syncId = this.nextRequestId++;
      this.syncs.set(syncId, this.checker.committed.length);
      this.input(node, { type: "SYNC", syncId });
    } else if (prng.chance(schedule.touchRate)) {
      const session = this.keelMode && this.sessions.length > 0 ? prng.pick(this.sessions) : BigInt(1 + prng.int(8));
      this.input(node, { type: "TOUCH", sessions: [session as SessionId] });
    } else return;
    this.drive(node);
  }

  /**
   * Liveness: one established leader, a voter of the configurations it knows; every member of them
   * serving; and a request made after faults stopped applied on every member. Replicas outside the
   * final membership (removed, or spares never added) may be in any state.
   */
  private live(): boolean {
    const leaders = this.nodes.filter((node) => node.replica?.establishedEpoch !== undefined);
    const leader = leaders[0]?.replica;
    if (leaders.length !== 1 || leader === undefined || !leader.isVoter) return false;
    const memberIds = new Set([...leader.committedMembership.members, ...leader.membership.members].map((m) => m.id));
    const members = this.nodes.filter((node) => memberIds.has(node.id));
    if (members.some((node) => node.replica === undefined || !node.replica.serving)) return false;
    for (const appliedBy of this.probes.values()) {
      if (!members.every((node) => appliedBy.has(node.id))) continue;
      if (this.keelMode) {
        const replicas = this.nodes.map((node) => ({
          peer: node.id,
          count: node.sm.count,
          state: node.keel as KeelState,
        }));
        checkKeelReplicas(this.checker.committed, replicas);
      }
      return true;
    }
    return false;
  }

  private result(violation: InvariantViolation | undefined): SimResult {
    const last = this.checker.committed.at(-1);
    return {
      seed: this.schedule.seed,
      sentByType: this.network.sentByType,
      ok: violation === undefined,
      violation,
      trace: this.trace.lines(),
      stats: {
        simulatedMs: this.nowMs,
        messages: this.network.sent,
        committed: this.checker.committed.length,
        epochs: this.checker.establishedEpochs,
        crashes: this.crashes,
        partitions: this.partitions,
        linkDowns: this.linkDowns,
        reconfigsRequested: this.reconfigsRequested,
        reconfigsCommitted: this.checker.membershipChanges,
        leaderRemovals: this.checker.leaderRemovals,
        removedLeaderStepDowns: this.removedLeaderStepDowns,
        fingerprint: `${this.nowMs}/${this.network.sent}/${this.checker.committed.length}/${last === undefined ? "-" : formatZxid(last.zxid)}`,
      },
    };
  }
}

export function runSchedule(schedule: Schedule, traceLength?: number): SimResult {
  return new Simulation(schedule, traceLength).run();
}
