/**
 * The ensemble under test: real `keel-server` processes from @keel/testkit, plus what the nemesis
 * did to them (which members are down, which are stopped), so that healing and cleanup know what
 * to undo. A SIGSTOPped process cannot exit on its own, so `close()` continues paused members first.
 */
import { Ensemble } from "@keel/testkit";

export type MemberState = "up" | "down" | "paused";

/** Generous for a busy 2-core machine: a restart replays SQLite and holds an election. */
const LEADER_WAIT_MS = 120_000;

export class ChaosCluster {
  private readonly states = new Map<number, MemberState>();

  private constructor(private readonly ensemble: Ensemble) {
    for (const member of ensemble.members) this.states.set(member.id, "up");
  }

  static async start(nodes: number): Promise<ChaosCluster> {
    if (nodes !== 3 && nodes !== 5) throw new Error(`nodes must be 3 or 5, got ${nodes}`);
    return new ChaosCluster(await Ensemble.start({ voters: nodes }));
  }

  get memberIds(): number[] {
    return this.ensemble.members.map((m) => m.id);
  }

  clientUrl(id: number): string {
    return this.ensemble.member(id).clientUrl;
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
    return this.ensemble.waitForLeader({ timeoutMs });
  }

  /** kill -9: no chance to flush or say goodbye. */
  async kill(id: number): Promise<void> {
    if (this.stateOf(id) !== "up") throw new Error(`kill ${id}: member is ${this.stateOf(id)}`);
    await this.ensemble.kill(id, "SIGKILL");
    this.states.set(id, "down");
  }

  restart(id: number): void {
    if (this.stateOf(id) !== "down") throw new Error(`restart ${id}: member is ${this.stateOf(id)}`);
    this.ensemble.startMember(id);
    this.states.set(id, "up");
  }

  pause(id: number): void {
    if (this.stateOf(id) !== "up") throw new Error(`pause ${id}: member is ${this.stateOf(id)}`);
    this.signal(id, "SIGSTOP");
    this.states.set(id, "paused");
  }

  resume(id: number): void {
    if (this.stateOf(id) !== "paused") throw new Error(`resume ${id}: member is ${this.stateOf(id)}`);
    this.signal(id, "SIGCONT");
    this.states.set(id, "up");
  }

  /** Undoes every fault still in place: continues paused members and restarts dead ones. */
  heal(): void {
    for (const id of this.memberIds) {
      if (this.stateOf(id) === "paused") this.resume(id);
      else if (this.stateOf(id) === "down") this.restart(id);
    }
  }

  async close(): Promise<void> {
    for (const id of this.memberIds) if (this.stateOf(id) === "paused") this.resume(id);
    await this.ensemble.close();
  }

  private signal(id: number, signal: "SIGSTOP" | "SIGCONT"): void {
    const child = this.ensemble.member(id).process;
    if (!child || !this.ensemble.isRunning(id)) throw new Error(`${signal} ${id}: no running process`);
    child.kill(signal);
  }
}
