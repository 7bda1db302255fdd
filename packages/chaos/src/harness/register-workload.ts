/**
 * The register workload: `concurrency` logical processes, each running one operation at a time on
 * a few keys through one member over HTTP: linearizable reads, unconditional writes and
 * compare-and-set on the data version. Every call has a client-side deadline; what a failure means
 * is outcome.ts's job. As in Jepsen, a process whose operation is left `unknown` is retired and its
 * worker continues under a new process id (old id + concurrency), since the old one may still be
 * running that operation.
 */
import { httpClient, type KeelHttpClient } from "@keel/testkit";
import type { Outcome, RegisterOp } from "../history.js";
import type { HistoryRecorder } from "./history-recorder.js";
import { classifyFailure } from "./outcome.js";
import type { Random } from "./random.js";
import { sleep, unreachable } from "./util.js";

export interface RegisterWorkloadOptions {
  readonly concurrency: number;
  readonly keys: readonly string[];
  /** The members' client URLs by id; process i starts on the i-th member (round robin). */
  readonly memberUrls: ReadonlyMap<number, string>;
  readonly callTimeoutMs: number;
  /** Pause between one process's operations, drawn from [0, thinkMsMax]: bounds the history's size. */
  readonly thinkMsMax: number;
  readonly random: Random;
}

export const REGISTER_KEY_PREFIX = "/chaos";

export function registerKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${REGISTER_KEY_PREFIX}/r${i}`);
}

/** How long a process waits after its member failed it before the next call (no busy loop on a dead port). */
const UNAVAILABLE_BACKOFF_MS = 100;

interface ProcessState {
  process: number;
  memberIndex: number;
  /** Per key, the data version this process last saw: what its next cas expects. */
  readonly lastVersion: Map<string, number>;
  written: number;
}

export class RegisterWorkload {
  private stopped = false;
  private readonly clients = new Map<number, KeelHttpClient>();
  private readonly memberIds: number[];

  constructor(
    private readonly options: RegisterWorkloadOptions,
    private readonly recorder: HistoryRecorder,
  ) {
    if (options.concurrency < 1 || options.keys.length < 1) throw new Error("workload needs processes and keys");
    this.memberIds = [...options.memberUrls.keys()];
    for (const [id, url] of options.memberUrls) this.clients.set(id, httpClient(url));
  }

  /** Runs every process until `stop()`; resolves once each has completed its last operation. */
  async run(): Promise<void> {
    const processes = Array.from({ length: this.options.concurrency }, (_, i) => this.runProcess(i));
    await Promise.all(processes);
  }

  stop(): void {
    this.stopped = true;
  }

  private async runProcess(worker: number): Promise<void> {
    const random = this.options.random.fork(worker);
    const state: ProcessState = {
      process: worker,
      memberIndex: worker % this.memberIds.length,
      lastVersion: new Map(),
      written: 0,
    };
    while (!this.stopped) {
      const key = random.pick(this.options.keys);
      const draw = random.next();
      const f = draw < 0.4 ? "read" : draw < 0.7 ? "write" : "cas";
      const result = await this.runOne(state, key, f);
      if (result.outcome === "unknown") state.process += this.options.concurrency;
      if (result.memberUnavailable) {
        // A random other member, not the next one: moving in step, the processes would all end up
        // on the same member after a fault that hit every member.
        const shift = random.between(1, Math.max(1, this.memberIds.length - 1));
        state.memberIndex = (state.memberIndex + shift) % this.memberIds.length;
        await sleep(UNAVAILABLE_BACKOFF_MS);
      }
      await sleep(random.between(0, this.options.thinkMsMax));
    }
  }

  private async runOne(
    state: ProcessState,
    key: string,
    f: RegisterOp["f"],
  ): Promise<{ outcome: Outcome; memberUnavailable: boolean }> {
    const client = this.clients.get(this.memberIds[state.memberIndex] as number) as KeelHttpClient;
    const invocation = this.recorder.invoke(state.process, key);
    const timeoutMs = this.options.callTimeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const value = `${state.process}:${state.written}`;
    const requested = this.requestedOp(state, key, f, value);
    if (requested.f !== "read") state.written++;
    try {
      const completed = await this.call(client, key, requested, signal);
      state.lastVersion.set(key, completed.version as number);
      this.recorder.complete(invocation, completed, "ok");
      return { outcome: "ok", memberUnavailable: false };
    } catch (error) {
      const failed = classifyFailure(error, { isRead: f === "read", timedOut: signal.aborted, timeoutMs });
      this.recorder.complete(invocation, requested, failed.outcome, failed.error);
      return failed;
    }
  }

  private requestedOp(state: ProcessState, key: string, f: RegisterOp["f"], value: string): RegisterOp {
    switch (f) {
      case "read":
        return { f };
      case "write":
        return { f, value };
      case "cas":
        return { f, value, expectedVersion: state.lastVersion.get(key) ?? 0 };
      default:
        return unreachable(f);
    }
  }

  /** The call itself; resolves to the op with what the server returned (value, version). */
  private async call(client: KeelHttpClient, path: string, op: RegisterOp, signal: AbortSignal): Promise<RegisterOp> {
    switch (op.f) {
      case "read": {
        const node = await client.node.get.query({ path, linearizable: true }, { signal });
        return { f: "read", value: node.data, version: node.stat.version };
      }
      case "write": {
        const { stat } = await client.node.set.mutate({ path, data: op.value, version: -1 }, { signal });
        return { ...op, version: stat.version };
      }
      case "cas": {
        const { stat } = await client.node.set.mutate(
          { path, data: op.value, version: op.expectedVersion },
          { signal },
        );
        return { ...op, version: stat.version };
      }
      default:
        return unreachable(op);
    }
  }
}
