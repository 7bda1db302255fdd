/**
 * The watch workload: `watchers` SDK clients (`@keel/client`, docs/client.md "Watches") each hold a
 * persistent recursive watch on /chaos-watch and record every event, while `writers` processes
 * write below it over HTTP: sets of /chaos-watch/k0..k2 and, now and then, a create and a delete of
 * a fresh /chaos-watch/tmp-<n>. Every acknowledged write's zxid is known from its answer (set:
 * stat.mzxid, create: stat.czxid, delete: `zxid`). A watch that fails (its history lost, its
 * session expired) is recorded as ended; the watcher reads the state again (a sync) and starts a new
 * watch from that zxid, on a new client if the session is gone. `finish` makes one last marker write
 * and waits until every watcher has it, then stops them. checkers/watch-checker.ts judges the record.
 *
 * Each watcher's client reaches the members through its own ClientLink, which the workload makes
 * misbehave now and then (seeded) while the writers go on: a `freeze` holds its bytes for a while
 * (the events arrive late, in one burst), a `cut` closes its connections and holds the link frozen
 * for a while, so the SDK reconnects only after writes it did not see and must resume its watch
 * after the last zxid it saw: the server has to replay the gap from its history. Without the cut a
 * stream rarely resumes after missing anything, and a replay that loses events would go unseen.
 */

import { setTimeout as delay } from "node:timers/promises";
import { connect, type KeelClient, type WatchStream } from "@keel/client";
import { createOnce, httpClient, type KeelHttpClient } from "@keel/testkit";
import {
  checkWatch,
  compareZxid,
  coveredToZxid,
  type ReceivedEvent,
  type WatchLinkFaultKind,
  type WatchRecord,
  type WatchStreamEnd,
  type WatchWrite,
  type WatchWriteKind,
} from "../checkers/watch-checker.js";
import { classifyFailure } from "../harness/outcome.js";
import { pollFor, sleep, unreachable } from "../harness/util.js";
import { ClientLink } from "../net/client-link.js";
import type { ChaosWorkload, WorkloadCheckResult, WorkloadEnv } from "./workload.js";

export const WATCH_ROOT = "/chaos-watch";
const KEYS = [0, 1, 2].map((i) => `${WATCH_ROOT}/k${i}`);
const MARKER_PATH = `${WATCH_ROOT}/marker`;

export interface WatchWorkloadOptions {
  readonly watchers?: number;
  readonly writers?: number;
  readonly sessionTimeoutMs?: number;
  readonly callTimeoutMs?: number;
  /** Pause between one writer's writes, drawn from [0, thinkMsMax]. */
  readonly thinkMsMax?: number;
  /** The share of a writer's turns that create and delete a tmp node instead of a set. */
  readonly tmpShare?: number;
  /** How often the workload considers faulting a watcher's link. */
  readonly linkFaultEveryMs?: number;
  /** The chance that it does, each time; 0 leaves the links alone. */
  readonly linkFaultProbability?: number;
  /** The share of link faults that are cuts (the rest are freezes). */
  readonly linkCutShare?: number;
  /** A freeze lasts [min, max] ms. */
  readonly freezeMs?: readonly [number, number];
  /** A cut holds the link frozen (the reconnect waiting) for [min, max] ms. */
  readonly cutHoldMs?: readonly [number, number];
}

const DEFAULTS = {
  watchers: 2,
  writers: 2,
  sessionTimeoutMs: 5000,
  callTimeoutMs: 2000,
  thinkMsMax: 20,
  tmpShare: 0.2,
  linkFaultEveryMs: 2000,
  linkFaultProbability: 0.5,
  linkCutShare: 0.5,
  // Well inside the session timeout, so a fault never costs the session: the stream must resume.
  freezeMs: [1000, 2000],
  cutHoldMs: [500, 1500],
} as const;
const UNAVAILABLE_BACKOFF_MS = 100;
/** Between a watcher's attempts to get a client and a stream while the cluster cannot serve. */
const WATCHER_RETRY_MS = 250;
/** Setup, the marker and the final wait run on a healed cluster, but the machine is busy. */
const HEALED_WAIT_MS = 60_000;

/** A recorded stream while it is being written. */
interface OpenStream {
  readonly watcher: number;
  readonly client: number;
  readonly startZxid: string;
  readonly startMs: number;
  readonly events: ReceivedEvent[];
  progressZxid?: string;
  end?: WatchStreamEnd;
}

/** A recorded link fault; `endMs` is set at the thaw. */
interface OpenLinkFault {
  readonly watcher: number;
  readonly kind: WatchLinkFaultKind;
  readonly startMs: number;
  endMs?: number;
}

interface Watcher {
  readonly id: number;
  readonly link: ClientLink;
  client: KeelClient | undefined;
  clients: number;
  current: { readonly record: OpenStream; readonly stream: WatchStream } | undefined;
  /** Set when the workload ends the current stream, so the end reads `stopped`, not `failed`. */
  stopping: boolean;
  loop: Promise<void> | undefined;
}

export class WatchWorkload implements ChaosWorkload {
  readonly name = "watch";
  private readonly options: Required<WatchWorkloadOptions>;
  private env: WorkloadEnv | undefined;
  private writersStopped = false;
  private watchersStopped = false;
  private readonly writes: WatchWrite[] = [];
  private readonly streams: OpenStream[] = [];
  private readonly linkFaults: OpenLinkFault[] = [];
  private readonly watchers: Watcher[] = [];
  private reconnections = 0;
  private tmpCount = 0;
  /** Ends connects still under way when the watchers stop (aborting also closes those clients). */
  private readonly watchersAbort = new AbortController();
  /** Cuts the link nemesis's waits short when the writers stop. */
  private readonly writersAbort = new AbortController();

  constructor(options: WatchWorkloadOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    if (this.options.watchers < 1 || this.options.writers < 1)
      throw new Error("the watch workload needs watchers and writers");
  }

  /** Creates the watched nodes, then starts every watcher and waits for its first stream. */
  async setup(env: WorkloadEnv): Promise<void> {
    this.env = env;
    const [firstUrl] = env.memberUrls.values();
    if (firstUrl === undefined) throw new Error("the watch workload needs members");
    const client = httpClient(firstUrl);
    for (const path of [WATCH_ROOT, ...KEYS, MARKER_PATH]) {
      await createOnce(client, { path, data: "" }, { timeoutMs: HEALED_WAIT_MS });
    }
    for (let id = 0; id < this.options.watchers; id++) {
      const watcher: Watcher = {
        id,
        link: await ClientLink.open([...env.memberUrls.values()]),
        client: undefined,
        clients: 0,
        current: undefined,
        stopping: false,
        loop: undefined,
      };
      this.watchers.push(watcher);
      watcher.loop = this.runWatcher(watcher, env);
    }
    const watching = await pollFor(() => (this.watchers.every((w) => w.current) ? true : undefined), HEALED_WAIT_MS);
    if (!watching) throw new Error("the watchers did not start watching");
  }

  async run(): Promise<void> {
    const env = this.requireEnv();
    const members = [...env.memberUrls.values()].map((url) => httpClient(url));
    await Promise.all([
      ...Array.from({ length: this.options.writers }, (_, worker) => this.runWriter(worker, members, env)),
      this.runLinkFaults(env),
    ]);
  }

  stop(): void {
    this.writersStopped = true;
    this.writersAbort.abort();
  }

  // --- link faults ----------------------------------------------------------------------------

  /** Now and then (seeded) freezes or cuts one watcher's link; every fault is over when it returns. */
  private async runLinkFaults(env: WorkloadEnv): Promise<void> {
    const random = env.random.fork(this.options.writers);
    const signal = this.writersAbort.signal;
    for (;;) {
      await pause(this.options.linkFaultEveryMs, signal);
      if (this.writersStopped) return;
      if (random.next() >= this.options.linkFaultProbability) continue;
      const watcher = random.pick(this.watchers);
      const kind: WatchLinkFaultKind = random.next() < this.options.linkCutShare ? "cut" : "freeze";
      const [min, max] = kind === "cut" ? this.options.cutHoldMs : this.options.freezeMs;
      const holdMs = random.between(min, max);
      const fault: OpenLinkFault = { watcher: watcher.id, kind, startMs: env.clock.now() };
      this.linkFaults.push(fault);
      watcher.link.freeze();
      if (kind === "cut") watcher.link.cut();
      // Held to the end even after stop(): the recorded window must be the one the watcher lived.
      await sleep(holdMs);
      this.thaw(watcher, env);
      env.log(`watcher ${watcher.id}: link ${kind} for ${holdMs} ms`);
    }
  }

  /** Thaws the watcher's link and closes its open fault's record. */
  private thaw(watcher: Watcher, env: WorkloadEnv): void {
    watcher.link.thaw();
    for (const fault of this.linkFaults) {
      if (fault.watcher === watcher.id && fault.endMs === undefined) fault.endMs = env.clock.now();
    }
  }

  // --- writers --------------------------------------------------------------------------------

  private async runWriter(worker: number, members: readonly KeelHttpClient[], env: WorkloadEnv): Promise<void> {
    const random = env.random.fork(worker);
    let process = worker;
    let memberIndex = worker % members.length;
    let written = 0;
    while (!this.writersStopped) {
      const client = members[memberIndex] as KeelHttpClient;
      const data = `${process}:${written++}`;
      const answers: { outcome: WatchWrite["outcome"]; memberUnavailable: boolean }[] = [];
      if (random.next() >= this.options.tmpShare) {
        answers.push(
          await this.writeOne(client, { process, kind: "set", path: random.pick(KEYS), data, marker: false }),
        );
      } else {
        const path = `${WATCH_ROOT}/tmp-${this.tmpCount++}`;
        const created = await this.writeOne(client, { process, kind: "create", path, data, marker: false });
        answers.push(created);
        // After an unknown create the node may exist: deleting it keeps the tree small either way.
        if (created.outcome !== "fail") {
          answers.push(await this.writeOne(client, { process, kind: "delete", path, data, marker: false }));
        }
      }
      if (answers.some((answer) => answer.outcome === "unknown")) process += this.options.writers;
      if (answers.some((answer) => answer.memberUnavailable)) {
        memberIndex = (memberIndex + random.between(1, Math.max(1, members.length - 1))) % members.length;
        await sleep(UNAVAILABLE_BACKOFF_MS);
      }
      await sleep(random.between(0, this.options.thinkMsMax));
    }
  }

  /** One write, recorded with its outcome (harness/outcome.ts) and, when acknowledged, its zxid. */
  private async writeOne(
    client: KeelHttpClient,
    write: { process: number; kind: WatchWriteKind; path: string; data: string; marker: boolean },
    timeoutMs = this.options.callTimeoutMs,
  ): Promise<{ outcome: WatchWrite["outcome"]; memberUnavailable: boolean; zxid?: string }> {
    const env = this.requireEnv();
    const { process, kind, path, marker } = write;
    const invokeMs = env.clock.now();
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const zxid = await this.send(client, write, signal);
      this.writes.push({ process, kind, path, marker, invokeMs, completeMs: env.clock.now(), outcome: "ok", zxid });
      return { outcome: "ok", memberUnavailable: false, zxid };
    } catch (error) {
      const failed = classifyFailure(error, { isRead: false, timedOut: signal.aborted, timeoutMs });
      const completeMs = failed.outcome === "unknown" ? undefined : env.clock.now();
      this.writes.push({
        process,
        kind,
        path,
        marker,
        invokeMs,
        completeMs,
        outcome: failed.outcome,
        error: failed.error,
      });
      return failed;
    }
  }

  /** The call itself; resolves to the zxid of the txn it made. */
  private async send(
    client: KeelHttpClient,
    write: { kind: WatchWriteKind; path: string; data: string },
    signal: AbortSignal,
  ): Promise<string> {
    switch (write.kind) {
      case "set":
        return (await client.node.set.mutate({ path: write.path, data: write.data, version: -1 }, { signal })).stat
          .mzxid;
      case "create":
        return (await client.node.create.mutate({ path: write.path, data: write.data }, { signal })).stat.czxid;
      case "delete":
        return (await client.node.delete.mutate({ path: write.path, version: -1 }, { signal })).zxid;
      default:
        return unreachable(write.kind);
    }
  }

  // --- watchers -------------------------------------------------------------------------------

  /** Keeps one stream open until the workload stops it: a new one after each failure. */
  private async runWatcher(watcher: Watcher, env: WorkloadEnv): Promise<void> {
    while (!this.watchersStopped) {
      try {
        const client = await this.liveClient(watcher);
        await this.watchOnce(watcher, client, env);
      } catch (error) {
        // No client or no sync while the cluster cannot serve: try again shortly.
        if (!this.watchersStopped) env.log(`watcher ${watcher.id}: ${describe(error)}; retrying`);
        await sleep(WATCHER_RETRY_MS);
      }
    }
    await watcher.client?.close();
  }

  /** The watcher's client, or a new one (a new session) when the old one expired. */
  private async liveClient(watcher: Watcher): Promise<KeelClient> {
    const existing = watcher.client;
    if (existing && existing.state.name !== "expired" && existing.state.name !== "closed") return existing;
    await existing?.close();
    watcher.client = undefined;
    const client = await connect({
      servers: watcher.link.urls,
      sessionTimeoutMs: this.options.sessionTimeoutMs,
      signal: this.watchersAbort.signal,
      label: `chaos-watcher-${watcher.id}`,
    });
    client.onStateChange((state) => {
      if (state.name === "disconnected") this.reconnections++;
    });
    watcher.clients++;
    watcher.client = client;
    return client;
  }

  /** Reads the state (a sync), watches from its zxid, and records the stream until it ends. */
  private async watchOnce(watcher: Watcher, client: KeelClient, env: WorkloadEnv): Promise<void> {
    await client.sync(WATCH_ROOT);
    if (this.watchersStopped) return;
    const startZxid = client.lastZxidSeen;
    const stream = client.watch(WATCH_ROOT, { mode: "persistent_recursive", afterZxid: startZxid, progress: true });
    const record: OpenStream = {
      watcher: watcher.id,
      client: watcher.clients - 1,
      startZxid,
      startMs: env.clock.now(),
      events: [],
    };
    this.streams.push(record);
    watcher.current = { record, stream };
    watcher.stopping = false;
    try {
      for await (const event of stream) {
        if (event.type === "Progress") record.progressZxid = event.zxid;
        else record.events.push({ path: event.path, type: event.type, zxid: event.zxid, receivedMs: env.clock.now() });
      }
      record.end = watcher.stopping
        ? { ms: env.clock.now(), reason: "stopped" }
        : { ms: env.clock.now(), reason: "failed", error: "the stream ended" };
    } catch (error) {
      record.end = { ms: env.clock.now(), reason: "failed", error: describe(error) };
    }
    watcher.current = undefined;
    if (record.end.reason === "failed")
      env.log(`watcher ${watcher.id}: stream ended (${record.end.error}); restarting`);
  }

  /** Ends every watcher's stream and loop. */
  private async stopWatchers(): Promise<void> {
    this.watchersStopped = true;
    const env = this.env;
    for (const watcher of this.watchers) {
      // Closed in the middle of a fault: the clients' goodbyes must not wait for the thaw.
      if (env !== undefined) this.thaw(watcher, env);
      watcher.stopping = true;
      watcher.current?.stream.close();
    }
    this.watchersAbort.abort();
    await Promise.all(this.watchers.map((watcher) => watcher.loop));
    await Promise.all(this.watchers.map((watcher) => watcher.link.close()));
  }

  // --- the end --------------------------------------------------------------------------------

  /** The marker write, then (bounded) until every watcher's stream covers it, then stop. */
  async finish(leaderUrl: string): Promise<void> {
    const env = this.requireEnv();
    const client = httpClient(leaderUrl);
    const process = this.writes.reduce((highest, write) => Math.max(highest, write.process), 0) + 1;
    const deadline = env.clock.now() + HEALED_WAIT_MS;
    let markerZxid: string | undefined;
    while (markerZxid === undefined && env.clock.now() < deadline) {
      const answer = await this.writeOne(
        client,
        { process, kind: "set", path: MARKER_PATH, data: "marker", marker: true },
        HEALED_WAIT_MS,
      );
      markerZxid = answer.zxid;
      if (markerZxid === undefined) await sleep(UNAVAILABLE_BACKOFF_MS);
    }
    if (markerZxid !== undefined) {
      const zxid = markerZxid;
      const delivered = () =>
        this.watchers.every((w) => w.current !== undefined && compareZxid(coveredToZxid(w.current.record), zxid) >= 0);
      if (!(await pollFor(() => (delivered() ? true : undefined), HEALED_WAIT_MS))) {
        env.log(`watch: the marker (zxid ${zxid}) did not reach every watcher within ${HEALED_WAIT_MS} ms`);
      }
    }
    await this.stopWatchers();
  }

  async close(): Promise<void> {
    this.writersStopped = true;
    await this.stopWatchers();
  }

  /** Pure; the watch checks need no fault windows: a stream's own record says what it covered. */
  check(): WorkloadCheckResult {
    return checkWatch(this.record());
  }

  record(): WatchRecord {
    return {
      path: WATCH_ROOT,
      watchers: this.options.watchers,
      writes: this.writes,
      streams: this.streams,
      reconnections: this.reconnections,
      linkFaults: this.linkFaults,
    };
  }

  private requireEnv(): WorkloadEnv {
    if (this.env === undefined) throw new Error("the watch workload ran before setup");
    return this.env;
  }
}

/** Sleeps `ms`, or less if `signal` aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return delay(ms, undefined, { signal }).catch(() => undefined);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
