/**
 * The ensemble under test, on either backend (cluster-backend.ts), plus what the nemesis did to it
 * (which members are down, which are stopped, whether the network is cut or delayed, whose disk is
 * full), so that healing and cleanup know what to undo. A SIGSTOPped process cannot exit on its
 * own, so `close()` continues paused members first; the members' disks are unmounted only after
 * their processes are gone.
 */
import { type ClusterBackend, startLocalBackend } from "./cluster-backend.js";
import { MemberClocks } from "./member-clocks.js";
import { MemberDisks } from "./member-disks.js";
import { startNamespacedBackend } from "./namespaced-backend.js";
import type { Random } from "./random.js";

export type MemberState = "up" | "down" | "paused";

/** Generous for a busy 2-core machine: a restart replays SQLite and holds an election. */
const LEADER_WAIT_MS = 120_000;
/** The `delay` nemesis: one member's peer traffic, each way (lab.delay). */
export const PEER_DELAY_MS = 20;
export const PEER_DELAY_JITTER_MS = 10;

export interface ChaosClusterOptions {
  /** Run the members in a NetworkLab (root only) so that network faults are possible. */
  readonly network: boolean;
  /** Start every member under its own libfaketime wall clock, so that `skewClock` can step it. */
  readonly clocks: boolean;
  /** Give every member its own small tmpfs as data directory (root only), so that `fillDisk` can fill it. */
  readonly disks: boolean;
  /** Seeds the delay relay's jitter. */
  readonly random: Random;
  readonly log: (line: string) => void;
}

export class ChaosCluster {
  private readonly states = new Map<number, MemberState>();
  /** Whether partition or delay rules may be in place. */
  private networkFaulted = false;

  private constructor(
    private readonly backend: ClusterBackend,
    private readonly clocks: MemberClocks | undefined,
    private readonly disks: MemberDisks | undefined,
    private readonly log: (line: string) => void,
  ) {
    for (const id of backend.memberIds) this.states.set(id, "up");
  }

  static async start(nodes: number, options: ChaosClusterOptions): Promise<ChaosCluster> {
    if (nodes !== 3 && nodes !== 5) throw new Error(`nodes must be 3 or 5, got ${nodes}`);
    const ids = Array.from({ length: nodes }, (_, i) => i + 1);
    const clocks = options.clocks ? MemberClocks.create(ids) : undefined;
    let disks: MemberDisks | undefined;
    try {
      // Mounted before any member starts: a store opened on the plain directory would hide under the mount.
      disks = options.disks ? MemberDisks.create(ids) : undefined;
      const setup = { memberEnv: (id: number) => clocks?.envFor(id) ?? {}, dataDir: disks?.dataDirOf.bind(disks) };
      const backend = options.network
        ? await startNamespacedBackend(nodes, { ...options, ...setup })
        : await startLocalBackend(nodes, setup);
      return new ChaosCluster(backend, clocks, disks, options.log);
    } catch (error) {
      clocks?.remove();
      disks?.remove();
      throw error;
    }
  }

  get memberIds(): number[] {
    return [...this.backend.memberIds];
  }

  get hasNetwork(): boolean {
    return this.backend.lab !== undefined;
  }

  clientUrl(id: number): string {
    return this.backend.clientUrl(id);
  }

  stateOf(id: number): MemberState {
    const state = this.states.get(id);
    if (state === undefined) throw new Error(`no member ${id}`);
    return state;
  }

  /** Waits until one member leads and every running member is ready; returns the leader's id. */
  async waitForLeader(timeoutMs = LEADER_WAIT_MS): Promise<number> {
    if (this.memberIds.some((id) => this.stateOf(id) === "paused")) {
      throw new Error("waitForLeader with a paused member would wait for a process that cannot answer");
    }
    return this.backend.waitForLeader(timeoutMs);
  }

  /** kill -9: no chance to flush or say goodbye. */
  async kill(id: number): Promise<void> {
    if (this.stateOf(id) !== "up") throw new Error(`kill ${id}: member is ${this.stateOf(id)}`);
    await this.backend.kill(id);
    this.states.set(id, "down");
  }

  restart(id: number): void {
    if (this.stateOf(id) !== "down") throw new Error(`restart ${id}: member is ${this.stateOf(id)}`);
    this.backend.startMember(id);
    this.states.set(id, "up");
  }

  pause(id: number): void {
    if (this.stateOf(id) !== "up") throw new Error(`pause ${id}: member is ${this.stateOf(id)}`);
    this.backend.signal(id, "SIGSTOP");
    this.states.set(id, "paused");
  }

  resume(id: number): void {
    if (this.stateOf(id) !== "paused") throw new Error(`resume ${id}: member is ${this.stateOf(id)}`);
    this.backend.signal(id, "SIGCONT");
    this.states.set(id, "up");
  }

  /** `side` and the other members cannot reach each other (the harness still reaches everyone). */
  cutOff(side: readonly number[]): void {
    for (const id of side) this.stateOf(id);
    const rest = this.memberIds.filter((id) => !side.includes(id));
    if (side.length === 0 || rest.length === 0) throw new Error(`cutOff [${side.join(",")}]: both sides need members`);
    this.networkFaulted = true;
    this.network().partition([side, rest]);
  }

  /** `a` and `b` cannot see each other; every other member sees both. */
  bridge(a: number, b: number): void {
    this.networkFaulted = true;
    this.network().bridgePartition(a, b);
  }

  /** Delays `id`'s peer traffic by PEER_DELAY_MS ± PEER_DELAY_JITTER_MS each way. */
  async delay(id: number): Promise<void> {
    this.stateOf(id);
    this.networkFaulted = true;
    await this.network().delay(id, PEER_DELAY_MS, PEER_DELAY_JITTER_MS);
  }

  /** Steps member `id`'s wall clock to `offsetSeconds` from the true time (it lands within a second). */
  skewClock(id: number, offsetSeconds: number): void {
    this.stateOf(id);
    if (this.clocks === undefined) throw new Error("clock faults need a cluster started with { clocks: true }");
    this.clocks.set(id, offsetSeconds);
  }

  /** Leaves member `id`'s disk almost no free space (its process keeps running, if it can); returns the bytes left. */
  fillDisk(id: number): number {
    this.stateOf(id);
    if (this.disks === undefined) throw new Error("disk faults need a cluster started with { disks: true }");
    return this.disks.fill(id);
  }

  /** Whether member `id` should be running but its process ended by itself (a fail-stop on a full disk, a crash). */
  exitedOnItsOwn(id: number): boolean {
    return this.stateOf(id) === "up" && !this.backend.isRunning(id);
  }

  /**
   * Undoes every fault still in place: heals the network and the clocks, gives full disks their
   * space back, continues paused members, restarts dead ones (killed, or exited when their disk filled).
   */
  heal(): void {
    if (this.clocks?.skewed) this.clocks.resetAll();
    for (const id of this.disks?.filledIds ?? []) {
      this.disks?.empty(id);
      // Only after the space is back: on a still-full disk the member would fail to start.
      if (this.exitedOnItsOwn(id)) this.states.set(id, "down");
    }
    // Left down on purpose: only a disk full at the time excuses an exit; anything else is a crash to look into.
    for (const id of this.memberIds.filter((member) => this.exitedOnItsOwn(member))) {
      const disk = this.disks?.wasFilled(id) ? " (its disk was full in an earlier fault, and had its space back)" : "";
      this.log(`member ${id} exited on its own, not while its disk was full${disk}: left down`);
    }
    if (this.networkFaulted) {
      this.network().heal();
      this.networkFaulted = false;
    }
    for (const id of this.memberIds) {
      if (this.stateOf(id) === "paused") this.resume(id);
      else if (this.stateOf(id) === "down") this.restart(id);
    }
  }

  async close(): Promise<void> {
    for (const id of this.memberIds) if (this.stateOf(id) === "paused") this.resume(id);
    try {
      await this.backend.close();
    } finally {
      this.clocks?.remove();
      this.removeDisks();
    }
  }

  /** Logs what each member's store used of its disk (what sizes MEMBER_DISK_BYTES), then unmounts them. */
  private removeDisks(): void {
    const disks = this.disks;
    if (disks === undefined) return;
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    try {
      const usage = this.memberIds.map((id) => {
        const { usedBytes, sizeBytes } = disks.usageOf(id);
        return `${id}: ${mib(usedBytes)} of ${mib(sizeBytes)}`;
      });
      this.log(`member disks used at the end: ${usage.join(", ")}`);
    } finally {
      disks.remove();
    }
  }

  private network() {
    const lab = this.backend.lab;
    if (lab === undefined) throw new Error("network faults need a cluster started with { network: true } (as root)");
    return lab;
  }
}
