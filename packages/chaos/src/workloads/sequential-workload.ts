/**
 * The sequential-create workload: `processes` logical processes, each creating persistent-sequential
 * children of /chaos-seq one at a time over HTTP, with unique data (`<process>:<n>`) that names the
 * writer. No one deletes under the parent, so Keel's numbering (the count of children ever created,
 * docs/data-model.md §2) must come out gap-free. Outcomes follow harness/outcome.ts; as in the
 * register workload, a process moves to a random other member after an answer that says its member
 * cannot serve, and continues under a new process id after an unknown outcome. `finish` lists the
 * children linearizably and reads each one's data; checkers/sequential-checker.ts judges the record.
 */
import { createOnce, httpClient, type KeelHttpClient, retryRead } from "@keel/testkit";
import {
  checkSequential,
  type ListedChild,
  type SequentialCreate,
  type SequentialRecord,
} from "../checkers/sequential-checker.js";
import { classifyFailure } from "../harness/outcome.js";
import type { Random } from "../harness/random.js";
import { sleep } from "../harness/util.js";
import type { ChaosWorkload, WorkloadCheckResult, WorkloadEnv } from "./workload.js";

export const SEQUENTIAL_PARENT = "/chaos-seq";
/** The children's name prefix; the server appends the ten-digit number. */
const CHILD_PREFIX = `${SEQUENTIAL_PARENT}/s-`;

export interface SequentialWorkloadOptions {
  readonly processes?: number;
  readonly callTimeoutMs?: number;
  /** Pause between one process's creates, drawn from [0, thinkMsMax]. */
  readonly thinkMsMax?: number;
}

const DEFAULTS = { processes: 3, callTimeoutMs: 2000, thinkMsMax: 20 } as const;
/** How long a process waits after its member failed it (no busy loop on a dead port). */
const UNAVAILABLE_BACKOFF_MS = 100;
/** Setup and the final listing run on a healed cluster, but the machine is busy. */
const HEALED_CALL_TIMEOUT_MS = 60_000;
/** Child reads in flight at once during the final listing. */
const LISTING_READS_IN_FLIGHT_MAX = 8;

export class SequentialWorkload implements ChaosWorkload {
  readonly name = "sequential";
  private readonly options: Required<SequentialWorkloadOptions>;
  private env: WorkloadEnv | undefined;
  private stopped = false;
  private readonly creates: SequentialCreate[] = [];
  private listing: ListedChild[] | undefined;

  constructor(options: SequentialWorkloadOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    if (this.options.processes < 1) throw new Error("the sequential workload needs at least one process");
  }

  async setup(env: WorkloadEnv): Promise<void> {
    this.env = env;
    const [firstUrl] = env.memberUrls.values();
    if (firstUrl === undefined) throw new Error("the sequential workload needs members");
    await createOnce(
      httpClient(firstUrl),
      { path: SEQUENTIAL_PARENT, data: "" },
      { timeoutMs: HEALED_CALL_TIMEOUT_MS },
    );
  }

  async run(): Promise<void> {
    const env = this.requireEnv();
    const members = [...env.memberUrls.values()].map((url) => httpClient(url));
    await Promise.all(
      Array.from({ length: this.options.processes }, (_, worker) => this.runProcess(worker, members, env)),
    );
  }

  stop(): void {
    this.stopped = true;
  }

  private async runProcess(worker: number, members: readonly KeelHttpClient[], env: WorkloadEnv): Promise<void> {
    const random: Random = env.random.fork(worker);
    let process = worker;
    let memberIndex = worker % members.length;
    let written = 0;
    while (!this.stopped) {
      const data = `${process}:${written++}`;
      const answer = await this.createOne(members[memberIndex] as KeelHttpClient, process, data, env);
      if (answer.outcome === "unknown") process += this.options.processes;
      if (answer.memberUnavailable) {
        // A random other member, so that processes do not move in step onto one member.
        memberIndex = (memberIndex + random.between(1, Math.max(1, members.length - 1))) % members.length;
        await sleep(UNAVAILABLE_BACKOFF_MS);
      }
      await sleep(random.between(0, this.options.thinkMsMax));
    }
  }

  private async createOne(
    client: KeelHttpClient,
    process: number,
    data: string,
    env: WorkloadEnv,
  ): Promise<{ outcome: SequentialCreate["outcome"]; memberUnavailable: boolean }> {
    const invokeMs = env.clock.now();
    const timeoutMs = this.options.callTimeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const created = await client.node.create.mutate(
        { path: CHILD_PREFIX, data, kind: "persistent_sequential" },
        { signal },
      );
      const name = created.path.slice(SEQUENTIAL_PARENT.length + 1);
      this.creates.push({ process, data, invokeMs, completeMs: env.clock.now(), outcome: "ok", name });
      return { outcome: "ok", memberUnavailable: false };
    } catch (error) {
      const failed = classifyFailure(error, { isRead: false, timedOut: signal.aborted, timeoutMs });
      const completeMs = failed.outcome === "unknown" ? undefined : env.clock.now();
      this.creates.push({ process, data, invokeMs, completeMs, outcome: failed.outcome, error: failed.error });
      return failed;
    }
  }

  /** Lists the children linearizably, then reads each one's data (never changed after its create). */
  async finish(leaderUrl: string): Promise<void> {
    const client = httpClient(leaderUrl);
    const retried = { timeoutMs: HEALED_CALL_TIMEOUT_MS };
    const { children } = await retryRead(
      () => client.node.children.query({ path: SEQUENTIAL_PARENT, linearizable: true }),
      retried,
    );
    const names = children.map((child) => child.name);
    const listing: ListedChild[] = [];
    for (let start = 0; start < names.length; start += LISTING_READS_IN_FLIGHT_MAX) {
      const batch = names.slice(start, start + LISTING_READS_IN_FLIGHT_MAX);
      // The same member answered the linearizable listing, so its plain reads already see each child.
      const nodes = await Promise.all(
        batch.map((name) => retryRead(() => client.node.get.query({ path: `${SEQUENTIAL_PARENT}/${name}` }), retried)),
      );
      nodes.forEach((node, index) => {
        listing.push({ name: batch[index] as string, data: node.data });
      });
    }
    this.listing = listing;
  }

  async close(): Promise<void> {
    // HTTP clients hold no session or socket beyond their calls, which run() has awaited.
    this.stopped = true;
  }

  /** Pure; nothing here depends on when faults happened: the numbers and data say it all. */
  check(): WorkloadCheckResult {
    return checkSequential(this.record());
  }

  record(): SequentialRecord {
    return { parent: SEQUENTIAL_PARENT, creates: this.creates, listing: this.listing };
  }

  private requireEnv(): WorkloadEnv {
    if (this.env === undefined) throw new Error("the sequential workload ran before setup");
    return this.env;
  }
}
