/**
 * The interaction environment behind the data-driven protocol scripts (packages/core/testdata,
 * explained in testdata/README.md), after etcd raft's rafttest.InteractionEnv: a small in-memory
 * ensemble of real `Replica`s driven step by step by script commands. Nothing happens on its own:
 * messages wait in a queue until a script delivers them, time moves only on `tick`. Every Ready a
 * replica produces is printed, in the order zab/driver.ts handles it, then handled with
 * `handleReady` (the server's and simulator's own loop).
 */
import { assert } from "../assert.js";
import type { PeerId, SessionId } from "../ids.js";
import { peerId, ZXID_ZERO } from "../ids.js";
import { MemoryDisk } from "../sim/disk.js";
import { Prng } from "../sim/prng.js";
import { REPLICA_CONFIG_DEFAULTS, type ReplicaConfig } from "../zab/config.js";
import { handleReady, type ReplicaIo } from "../zab/driver.js";
import type { PeerMessage } from "../zab/messages.js";
import { Replica, type ReplicaInput } from "../zab/replica.js";
import type { CommandArg, TestCommand } from "./datadriven.js";
import * as fmt from "./format.js";
import { ScriptApp, ScriptState, textBytes } from "./script-app.js";

interface EnvNode {
  readonly id: PeerId;
  readonly disk: MemoryDisk;
  state: ScriptState;
  replica: Replica | undefined;
  readonly io: ReplicaIo;
  /** Incarnation, so a restarted replica draws a fresh random stream. */
  starts: number;
}

interface Queued {
  readonly from: PeerId;
  readonly to: PeerId;
  readonly message: PeerMessage;
}

/** Bounds a runaway script (a replica that never settles, a message storm in `stabilize`). */
const READY_ROUNDS_MAX = 100;
const STABILIZE_MESSAGES_MAX = 5000;

export class InteractionEnv {
  private readonly nodes: EnvNode[] = [];
  private queue: Queued[] = [];
  /** Pairs "a-b" (a < b) whose messages are lost: a partition nobody is told about. */
  private readonly cuts = new Set<string>();
  private config: Omit<ReplicaConfig, "self"> | undefined;
  private nextInputId = 1;
  private nowMs = 0;
  /** Sessions `expire-session` declared expired: every replica's app refuses to touch them. */
  private readonly expiredSessions = new Set<SessionId>();
  private out: string[] = [];
  private quiet = false;

  handle(command: TestCommand): string {
    this.out = [];
    const ids = () => this.ids(command.args);
    switch (command.name) {
      case "add-nodes":
        this.addNodes(command.args);
        break;
      case "tick":
        this.tick(ids(), intArg(command.args, "n") ?? 1);
        break;
      case "deliver-msgs":
        this.deliver(ids(), intArg(command.args, "count"), intArg(command.args, "from"));
        break;
      case "stabilize":
        this.stabilize(ids());
        break;
      case "drop-msgs":
        this.dropMessages(intArg(command.args, "from"), intArg(command.args, "to"));
        break;
      case "propose":
        this.propose(command.args);
        break;
      case "sync":
        for (const node of this.up(ids())) this.input(node, { type: "SYNC", syncId: this.nextInputId++ });
        break;
      case "touch": {
        const session = intArg(command.args, "session");
        assert(session !== undefined, "touch needs session=<id>");
        for (const node of this.up(ids()))
          this.input(node, {
            type: "CONFIRM_TOUCH",
            touchId: this.nextInputId++,
            session: BigInt(session) as SessionId,
          });
        break;
      }
      case "expire-session": {
        const session = intArg(command.args, "session");
        assert(session !== undefined, "expire-session needs session=<id>");
        this.expiredSessions.add(BigInt(session) as SessionId);
        this.out.push(`session ${session} expired`);
        break;
      }
      case "crash":
        this.crash(ids(), hasArg(command.args, "silent"));
        break;
      case "restart":
        for (const node of this.pick(ids())) this.restart(node);
        break;
      case "cut":
        this.cut(ids());
        break;
      case "isolate":
        for (const id of ids()) for (const other of this.nodes) if (other.id !== id) this.cut([id, other.id]);
        break;
      case "heal":
        this.cuts.clear();
        this.out.push("network healed");
        break;
      case "reset-link":
        this.resetLink(ids());
        break;
      case "link-down": {
        const peer = intArg(command.args, "peer");
        assert(peer !== undefined, "link-down needs peer=<id>");
        for (const node of this.up(ids())) this.input(node, { type: "LINK_DOWN", peer: peer as PeerId });
        break;
      }
      case "snapshot":
        for (const node of this.up(ids())) this.snapshot(node);
        break;
      case "status":
        for (const node of this.pick(ids())) this.out.push(this.status(node));
        break;
      case "log":
        for (const node of this.pick(ids())) this.out.push(...this.log(node));
        break;
      case "log-level":
        // `log-level none` hides what setup steps print (status and log still print); `all` shows it again.
        this.quiet = hasArg(command.args, "none");
        return "ok";
      default:
        throw new Error(`unknown command "${command.name}"`);
    }
    if (this.quiet && command.name !== "status" && command.name !== "log") return "ok";
    return this.out.join("\n");
  }

  // --- ensemble ------------------------------------------------------------------------------

  private addNodes(args: readonly CommandArg[]): void {
    assert(this.nodes.length === 0, "add-nodes: only once per script");
    const voterCount = positional(args)[0] ?? 3;
    const observerCount = intArg(args, "observers") ?? 0;
    const voters = Array.from({ length: voterCount }, (_, i) => peerId(i + 1));
    const observers = Array.from({ length: observerCount }, (_, i) => peerId(voterCount + i + 1));
    const d = REPLICA_CONFIG_DEFAULTS;
    this.config = {
      voters,
      observers,
      initLimitTicks: intArg(args, "init-limit") ?? d.initLimitTicks,
      syncLimitTicks: intArg(args, "sync-limit") ?? d.syncLimitTicks,
      electionTimeoutTicks: intArg(args, "election-timeout") ?? d.electionTimeoutTicks,
      electionTimeoutMaxTicks: intArg(args, "election-timeout-max") ?? d.electionTimeoutMaxTicks,
      finalizeWaitTicks: intArg(args, "finalize-wait") ?? d.finalizeWaitTicks,
    };
    for (const id of [...voters, ...observers]) {
      const node: EnvNode = {
        id,
        disk: new MemoryDisk(),
        state: new ScriptState(),
        replica: undefined,
        io: undefined as unknown as ReplicaIo,
        starts: 0,
      };
      (node as { io: ReplicaIo }).io = this.makeIo(node);
      this.nodes.push(node);
    }
    for (const node of this.nodes) this.start(node);
  }

  private makeIo(node: EnvNode): ReplicaIo {
    return {
      persist: (write) => node.disk.write(write),
      send: (to, message) => this.queue.push({ from: node.id, to, message }),
      restore: (header) => {
        // As the server does: the installed snapshot is read back from the (durable) disk.
        const snapshot = node.disk.snapshot;
        if (snapshot === undefined || snapshot.zxid !== header.zxid)
          throw new Error("restoring a snapshot not installed");
        node.state = ScriptState.fromSnapshot(snapshot);
      },
      apply: (entries) => node.state.apply(entries),
      reply: () => {},
    };
  }

  private start(node: EnvNode): void {
    node.state = ScriptState.fromSnapshot(node.disk.snapshot);
    node.starts += 1;
    node.replica = new Replica({
      config: { ...(this.config as Omit<ReplicaConfig, "self">), self: node.id },
      log: node.disk,
      app: new ScriptApp(this.expiredSessions),
      random: new Prng(node.id * 1000 + node.starts),
      appliedZxid: node.state.lastZxid,
    });
    this.process(node);
  }

  /** Handles every Ready the replica has, printing each one. */
  private process(node: EnvNode): void {
    const { replica } = node;
    if (replica === undefined) return;
    for (let rounds = 0; replica.hasReady(); rounds++) {
      assert(rounds < READY_ROUNDS_MAX, `replica ${node.id} never settles`);
      const ready = replica.ready();
      this.out.push(...fmt.ready(node.id, ready));
      handleReady(replica, ready, node.io);
    }
  }

  private input(node: EnvNode, input: ReplicaInput): void {
    (node.replica as Replica).step(input);
    this.process(node);
  }

  // --- time and messages ---------------------------------------------------------------------

  private tick(ids: PeerId[], times: number): void {
    for (let i = 0; i < times; i++) {
      this.nowMs += 10;
      for (const node of this.up(ids)) {
        node.replica?.tick(this.nowMs);
        this.process(node);
      }
    }
  }

  private cutKey(a: PeerId, b: PeerId): string {
    return a < b ? `${a}-${b}` : `${b}-${a}`;
  }

  /**
   * Delivers, in send order, the messages queued now for `ids` (all if empty), at most `count`,
   * only those from `from` if given. Messages sent in reply stay queued for the next command.
   */
  private deliver(ids: PeerId[], count: number | undefined, from: number | undefined): number {
    const targets = new Set(ids.length > 0 ? ids : this.nodes.map((n) => n.id));
    const chosen: Queued[] = [];
    const rest: Queued[] = [];
    for (const q of this.queue) {
      const wanted = targets.has(q.to) && (from === undefined || q.from === from);
      if (wanted && (count === undefined || chosen.length < count)) chosen.push(q);
      else rest.push(q);
    }
    this.queue = rest;
    for (const q of chosen) {
      const node = this.node(q.to);
      const line = `${q.from}->${q.to} ${fmt.message(q.message)}`;
      if (this.cuts.has(this.cutKey(q.from, q.to))) {
        this.out.push(`${line} (dropped: link cut)`);
      } else if (node.replica === undefined) {
        this.out.push(`${line} (dropped: ${q.to} is down)`);
      } else {
        this.out.push(line);
        this.input(node, { type: "MESSAGE", from: q.from, message: q.message });
      }
    }
    return chosen.length;
  }

  private stabilize(ids: PeerId[]): void {
    let delivered = 0;
    for (;;) {
      const n = this.deliver(ids, undefined, undefined);
      if (n === 0) return;
      delivered += n;
      assert(delivered < STABILIZE_MESSAGES_MAX, "stabilize: messages never stop");
    }
  }

  private dropMessages(from: number | undefined, to: number | undefined): void {
    const kept: Queued[] = [];
    for (const q of this.queue) {
      if ((from === undefined || q.from === from) && (to === undefined || q.to === to)) {
        this.out.push(`${q.from}->${q.to} ${fmt.message(q.message)} (dropped)`);
      } else kept.push(q);
    }
    this.queue = kept;
  }

  private cut(ids: PeerId[]): void {
    assert(ids.length === 2, "cut needs two ids");
    const [a, b] = ids as [PeerId, PeerId];
    this.cuts.add(this.cutKey(a, b));
    this.out.push(`link ${this.cutKey(a, b)} cut`);
  }

  /** A TCP reset: what is in flight between the two is lost and both ends are told (LINK_DOWN). */
  private resetLink(ids: PeerId[]): void {
    assert(ids.length === 2, "reset-link needs two ids");
    const [a, b] = ids as [PeerId, PeerId];
    this.queue = this.queue.filter((q) => {
      const between = (q.from === a && q.to === b) || (q.from === b && q.to === a);
      if (between) this.out.push(`${q.from}->${q.to} ${fmt.message(q.message)} (lost in the reset)`);
      return !between;
    });
    for (const [self, peer] of [
      [a, b],
      [b, a],
    ] as const) {
      const node = this.node(self);
      if (node.replica !== undefined) this.input(node, { type: "LINK_DOWN", peer });
    }
  }

  // --- clients, crashes, snapshots -------------------------------------------------------------

  private propose(args: readonly CommandArg[]): void {
    const [id] = positional(args);
    const text = args.find((a) => a.values.length === 0 && !/^\d+$/.test(a.key))?.key;
    assert(id !== undefined && text !== undefined, "propose <id> <text>");
    this.input(this.node(id), { type: "REQUEST", requestId: this.nextInputId++, request: textBytes(text) });
  }

  /** `silent`: the host vanishes without closing its sockets, so nobody is told (power loss). */
  private crash(ids: PeerId[], silent: boolean): void {
    for (const node of this.up(ids)) {
      node.replica = undefined;
      this.out.push(`${node.id} crashed`);
      if (silent) continue;
      for (const other of this.nodes) {
        if (other.replica !== undefined && !this.cuts.has(this.cutKey(node.id, other.id))) {
          this.input(other, { type: "LINK_DOWN", peer: node.id });
        }
      }
    }
  }

  private restart(node: EnvNode): void {
    assert(node.replica === undefined, `restart: ${node.id} is running`);
    this.out.push(`${node.id} restarted from its disk`);
    this.start(node);
  }

  /** The host snapshots its applied state and purges the log it covers (a later sync may need SNAP). */
  private snapshot(node: EnvNode): void {
    const snapshot = node.state.snapshot();
    node.disk.takeSnapshot(snapshot);
    this.out.push(`${node.id} snapshot@${fmt.z(snapshot.zxid)}, log purged up to it`);
  }

  private status(node: EnvNode): string {
    const r = node.replica;
    if (r === undefined) return `${node.id} down`;
    const parts = [`${node.id} ${r.state}`];
    if (r.leaderId !== undefined && r.state !== "LEADING") parts.push(`leader=${r.leaderId}`);
    parts.push(`acceptedEpoch=${r.acceptedEpoch} currentEpoch=${r.currentEpoch}`);
    parts.push(`last=${fmt.z(r.lastLoggedZxid)} committed=${fmt.z(r.committedZxid)} applied=${fmt.z(r.appliedZxid)}`);
    if (r.serving) parts.push("serving");
    const learners = r.learners.map((l) => `${l.peer}:${l.stage}`);
    if (learners.length > 0) parts.push(`learners=${learners.join(",")}`);
    return parts.join(" ");
  }

  private log(node: EnvNode): string[] {
    const { disk } = node;
    const base = disk.snapshot === undefined ? "" : `snapshot@${fmt.z(disk.snapshot.zxid)} `;
    const applied = node.state.applied.map((a) => a.text).join(" ");
    return [
      `${node.id} log: ${base}[${fmt.entries(disk.entries)}] acceptedEpoch=${disk.acceptedEpoch} currentEpoch=${disk.currentEpoch}`,
      `${node.id} state: [${applied}] at ${fmt.z(node.state.lastZxid ?? ZXID_ZERO)}`,
    ];
  }

  // --- helpers -------------------------------------------------------------------------------

  private node(id: number): EnvNode {
    const node = this.nodes[id - 1];
    assert(node !== undefined, `no replica ${id}`);
    return node;
  }

  private ids(args: readonly CommandArg[]): PeerId[] {
    if (hasArg(args, "all")) return this.nodes.map((n) => n.id);
    return positional(args).map((id) => this.node(id).id);
  }

  private pick(ids: PeerId[]): EnvNode[] {
    return (ids.length > 0 ? ids : this.nodes.map((n) => n.id)).map((id) => this.node(id));
  }

  private up(ids: PeerId[]): EnvNode[] {
    return this.pick(ids).filter((node) => node.replica !== undefined);
  }
}

function positional(args: readonly CommandArg[]): number[] {
  return args.filter((a) => a.values.length === 0 && /^\d+$/.test(a.key)).map((a) => Number(a.key));
}

function hasArg(args: readonly CommandArg[], key: string): boolean {
  return args.some((a) => a.key === key);
}

function intArg(args: readonly CommandArg[], key: string): number | undefined {
  const arg = args.find((a) => a.key === key);
  if (arg === undefined) return undefined;
  const n = Number(arg.values[0]);
  assert(Number.isInteger(n), `${key} needs an integer`);
  return n;
}
