/**
 * KeelCoordinator implements the API's Coordinator over the replica host: writes become request
 * envelopes proposed through ZAB (and answered once applied here), reads are served from this
 * server's applied tree (after a sync through the leader when `linearizable`), and sessions are
 * authenticated against the replicated session table with their secret.
 */
import { randomBytes } from "node:crypto";
import {
  API_FIND_SCAN_MAX,
  type AttachOptions,
  type Caller,
  type ChildrenInput,
  type Coordinator,
  type CreateInput,
  type DeleteInput,
  type EphemeralsInput,
  type FindInput,
  type FindResultView,
  type LogEntryView,
  type LogEventsOptions,
  type MemberStatusView,
  type MembershipChange,
  type MembersView,
  type MetricsSampleView,
  type MultiInput,
  type OpenSessionInput,
  type OpInput,
  type ReadInput,
  type SessionRef,
  type SetAclInput,
  type SetInput,
  type WatchOptions,
} from "@keel/api";
import {
  type Applied,
  CLIENT_ADDRESS_BYTES_MAX,
  type ClientRequest,
  childPath,
  KeelError,
  keelError,
  type MultiOpRequest,
  OPEN_ACL_UNSAFE,
  SESSION_NONE,
  type SessionId,
  type TxnResult,
  validateData,
  validatePath,
  type Zxid,
} from "@keel/core";
import type { ServerConfig } from "../config.js";
import { membersView, reconfigRequestOf } from "../membership.js";
import type { ServerMetrics } from "../ops/metrics.js";
import { OpStats } from "../ops/op-stats.js";
import type { ReplicaHost } from "../replica-host.js";
import type { ClusterStatusSource } from "../server-status.js";
import { findNodes } from "./find-nodes.js";
import { ipOf } from "./identify.js";
import { logStream } from "./log-stream.js";
import { metricsStream } from "./metrics-stream.js";
import { attachStream } from "./session-attach.js";
import { SessionAttachments } from "./session-attachments.js";
import { SessionsPerAddress } from "./sessions-per-address.js";
import { statusStream } from "./status-stream.js";
import {
  aclOf,
  aclView,
  createModeOf,
  dataOf,
  dataViews,
  nodeKindView,
  opResultView,
  secretOf,
  sessionIdOf,
  statView,
} from "./views.js";
import { visibility } from "./visibility.js";
import { watchStream } from "./watch-stream.js";

type Success<T extends TxnResult["type"]> = Extract<TxnResult, { type: T }>;

export interface CoordinatorDeps {
  readonly host: ReplicaHost;
  readonly config: ServerConfig;
  readonly metrics: ServerMetrics;
  readonly status: ClusterStatusSource;
  /** Client connections (the console's metrics count them). */
  readonly connections: { readonly connectionCount: number };
  /** Wall-clock ms (attachment times, metric samples). */
  readonly clock: () => number;
}

export class KeelCoordinator implements Coordinator {
  private nextCxid = 1;
  /** Per-op counts and recent latencies for cluster.metrics. */
  readonly opStats = new OpStats();
  /** Sessions attached to this member (session.list's `attached`). */
  readonly attachments: SessionAttachments;

  private readonly sessionsPerAddress: SessionsPerAddress;

  constructor(private readonly deps: CoordinatorDeps) {
    this.attachments = new SessionAttachments(deps.config.id);
    this.sessionsPerAddress = new SessionsPerAddress(
      deps.config.sessionsPerAddressMax,
      (id) => deps.host.state.session(id) !== undefined,
    );
  }

  // --- writes -------------------------------------------------------------------------------

  async create(input: CreateInput, caller: Caller) {
    const data = this.checkedData(input, input.path);
    this.checkPath(input.path, input.kind.endsWith("sequential"));
    const result = await this.write("create", input.session, this.createRequest(input, data), caller);
    const created = expectResult(result, "create");
    return { path: created.path, stat: statView(created.stat) };
  }

  async set(input: SetInput, caller: Caller) {
    const data = this.checkedData(input, input.path);
    this.checkPath(input.path);
    const request: ClientRequest = { type: "setData", path: input.path, data, version: input.version };
    const result = await this.write("set", input.session, request, caller);
    return { stat: statView(expectResult(result, "setData").stat) };
  }

  async delete(input: DeleteInput, caller: Caller) {
    this.checkPath(input.path);
    const { path, version, forceRelease } = input;
    const request: ClientRequest =
      forceRelease === undefined
        ? { type: "delete", path, version }
        : { type: "forceRelease", path, version, reason: forceRelease.reason };
    const op = forceRelease === undefined ? "delete" : "forceRelease";
    const applied = await this.submit(op, input.session, request, caller);
    expectResult(resultOf(applied), "delete");
    return { zxid: applied.zxid.toString() };
  }

  async multi(input: MultiInput, caller: Caller) {
    const ops = input.ops.map((op) => this.multiOp(op));
    const applied = await this.submit("multi", input.session, { type: "multi", ops }, caller);
    const { result } = applied;
    if (result.type === "multi") return { results: result.results.map(opResultView) };
    if (result.type === "rejected" && result.results.length > 0) return { results: result.results.map(opResultView) };
    if (result.type === "rejected") throw result.error;
    throw keelError("SYSTEMERROR", `multi answered with ${result.type}`);
  }

  async setAcl(input: SetAclInput, caller: Caller) {
    this.checkPath(input.path);
    const request: ClientRequest = {
      type: "setACL",
      path: input.path,
      acl: aclOf(input.acl),
      aversion: input.aversion,
    };
    return { stat: statView(expectResult(await this.write("setAcl", undefined, request, caller), "setACL").stat) };
  }

  async sync(_path: string) {
    return this.instrument("sync", async () => ({ zxid: (await this.deps.host.sync()).toString() }));
  }

  // --- reads --------------------------------------------------------------------------------

  async get(input: ReadInput, caller: Caller) {
    return this.read("get", input, () => {
      const node = orThrow(this.deps.host.state.get(input.path, caller.auth));
      return {
        path: input.path,
        kind: nodeKindView(node.kind, input.path),
        ...(node.kind === "ttl" ? { ttlMs: node.ttlMs } : {}),
        ...dataViews(node.data),
        stat: statView(node.stat),
      };
    });
  }

  async exists(input: ReadInput, caller: Caller) {
    return this.read("exists", input, () => {
      const stat = orThrow(this.deps.host.state.exists(input.path, caller.auth));
      return { stat: stat === null ? null : statView(stat) };
    });
  }

  async children(input: ChildrenInput, caller: Caller) {
    return this.read("children", input, () => {
      const { state } = this.deps.host;
      const page = orThrow(
        state.childrenPage(input.path, caller.auth, {
          limit: input.limit,
          ...(input.after === undefined ? {} : { after: input.after }),
        }),
      );
      const children = page.children.map((name) => {
        if (!input.withStats) return { name };
        // A child's stat is what exists would tell the caller: nothing for /keel/auth to a non-admin.
        const stat = state.exists(childPath(input.path, name), caller.auth);
        return stat === null || stat instanceof KeelError ? { name } : { name, stat: statView(stat) };
      });
      return { children, stat: statView(page.stat), nextAfter: page.nextAfter };
    });
  }

  async childCount(input: ReadInput, caller: Caller) {
    return this.read("childCount", input, () => ({
      count: orThrow(this.deps.host.state.getAllChildrenNumber(input.path, caller.auth)),
    }));
  }

  async getAcl(input: ReadInput, caller: Caller) {
    return this.read("getAcl", input, () => {
      const node = orThrow(this.deps.host.state.getACL(input.path, caller.auth));
      return { acl: aclView(node.acl), stat: statView(node.stat) };
    });
  }

  async ephemerals(input: EphemeralsInput, caller: Caller) {
    return this.read("ephemerals", { path: input.prefix, linearizable: false }, () => {
      const { id } = this.authenticate(input.session);
      const visible = visibility(this.deps.host.state, caller);
      return { paths: this.deps.host.state.getEphemerals(id, input.prefix).filter((path) => visible(path)) };
    });
  }

  // --- sessions -----------------------------------------------------------------------------

  async openSession(input: OpenSessionInput, clientAddress?: string) {
    const ip = ipOf(clientAddress);
    this.sessionsPerAddress.admit(ip);
    const password = new Uint8Array(randomBytes(16));
    const result = await this.write("openSession", undefined, {
      type: "createSession",
      timeoutMs: input.timeoutMs,
      password,
      ...(clientAddress === undefined ? {} : { clientAddress: clippedAddress(clientAddress) }),
    });
    const created = expectResult(result, "createSession");
    this.sessionsPerAddress.opened(ip, created.sessionId);
    return {
      sessionId: created.sessionId.toString(),
      secret: Buffer.from(password).toString("hex"),
      timeoutMs: created.timeoutMs,
    };
  }

  async keepAlive(session: SessionRef) {
    return this.instrument("keepAlive", async () => {
      this.ensureServing();
      const { id, timeoutMs } = this.authenticate(session);
      // "ok" promises the session lives for timeoutMs from the call; only the leader's tracker
      // knows whether it already gave the session up, so the answer waits for it.
      await this.deps.host.confirmSession(id);
      this.attachments.touched(id, this.deps.clock());
      return { timeoutMs };
    });
  }

  async closeSession(session: SessionRef) {
    expectResult(await this.write("closeSession", session, { type: "closeSession" }), "closeSession");
    return { closed: true as const };
  }

  async listSessions(input: { limit: number }) {
    return this.instrument("listSessions", async () => {
      this.ensureServing();
      const listing = this.deps.host.state.listSessions(input.limit);
      return {
        sessions: listing.sessions.map((session) => ({
          sessionId: session.sessionId.toString(),
          timeoutMs: session.timeoutMs,
          ephemerals: session.ephemerals,
          createdAtMs: session.createdAtMs ?? null,
          clientAddress: session.clientAddress ?? null,
          attached: this.attachments.view(session.sessionId),
        })),
        truncated: listing.truncated,
      };
    });
  }

  attachSession(options: AttachOptions) {
    this.ensureServing();
    return attachStream(this.deps.host, options, () => this.authenticate(options.session), {
      attachments: this.attachments,
      clock: this.deps.clock,
    });
  }

  watch(options: WatchOptions) {
    this.ensureServing();
    return watchStream(this.deps.host, options, this.deps.config.watchProgressMs);
  }

  async status() {
    return this.deps.status.clusterStatus();
  }

  // --- membership (docs/operations.md, "Membership changes") ---------------------------------

  async members(): Promise<MembersView> {
    return membersView(this.deps.host.membership());
  }

  async reconfigure(change: MembershipChange, caller: Caller): Promise<MembersView> {
    const request = reconfigRequestOf(change, this.deps.host.membership());
    expectResult(await this.write("reconfigure", undefined, request, caller), "setData");
    return membersView(this.deps.host.membership());
  }

  // --- the console (docs/api.md, "Console procedures") --------------------------------------

  async find(input: FindInput, caller: Caller): Promise<FindResultView> {
    this.checkPath(input.path);
    return this.read("find", { path: input.path, linearizable: false }, () => {
      const { state } = this.deps.host;
      // The walk sees the tree as the caller may: unreadable nodes are neither matched nor entered.
      const asCaller = {
        get: (path: string) => state.get(path, caller.auth),
        children: (path: string) => state.children(path, caller.auth),
      };
      const found = findNodes(asCaller, input, API_FIND_SCAN_MAX);
      const visible = visibility(state, caller);
      return { ...found, matches: found.matches.filter((match) => visible(match.path)) };
    });
  }

  /** Submits the txn the leader's own expiry would (closeSession, reason expired) for `sessionId`. */
  async expireSession(input: { sessionId: string }): Promise<{ expired: true }> {
    const id = sessionIdOf(input.sessionId);
    const applied = await this.instrument("expireSession", () => {
      this.ensureServing();
      if (this.deps.host.state.session(id) === undefined)
        throw keelError("SESSIONEXPIRED", `session ${input.sessionId} has expired or was closed`);
      return this.deps.host.submit({
        sessionId: id,
        cxid: this.nextCxid++,
        auth: [],
        request: { type: "expireSession" },
      });
    });
    expectResult(resultOf(applied), "closeSession");
    return { expired: true };
  }

  async sessionEphemerals(input: { sessionId: string; limit: number }, caller: Caller) {
    return this.instrument("sessionEphemerals", async () => {
      this.ensureServing();
      const id = sessionIdOf(input.sessionId);
      if (this.deps.host.state.session(id) === undefined)
        throw keelError("SESSIONEXPIRED", `session ${input.sessionId} has expired or was closed`);
      const visible = visibility(this.deps.host.state, caller);
      const paths = this.deps.host.state
        .getEphemerals(id)
        .filter((path) => visible(path))
        .sort();
      return { paths: paths.slice(0, input.limit), truncated: paths.length > input.limit };
    });
  }

  statusEvents(signal: AbortSignal): AsyncIterable<MemberStatusView> {
    return statusStream(this.deps.host, this.deps.status, signal);
  }

  metricsSamples(options: { intervalMs: number; signal: AbortSignal }): AsyncIterable<MetricsSampleView> {
    const sources = {
      serverId: this.deps.config.id,
      host: this.deps.host,
      opStats: this.opStats,
      connections: this.deps.connections,
      clock: this.deps.clock,
    };
    return metricsStream(sources, options.intervalMs, options.signal);
  }

  logEvents(options: LogEventsOptions): AsyncIterable<LogEntryView> {
    return logStream(this.deps.host, options);
  }

  // --- helpers ------------------------------------------------------------------------------

  private createRequest(input: CreateInput, data: Uint8Array): ClientRequest {
    return {
      type: "create",
      path: input.path,
      data,
      acl: input.acl ? aclOf(input.acl) : OPEN_ACL_UNSAFE,
      kind: createModeOf(input.kind),
      ...(input.ttlMs !== undefined ? { ttlMs: input.ttlMs } : {}),
    };
  }

  private multiOp(op: OpInput): MultiOpRequest {
    switch (op.type) {
      case "create":
        return this.createRequest({ ...op }, this.checkedData(op, op.path)) as MultiOpRequest;
      case "delete":
        return { type: "delete", path: op.path, version: op.version };
      case "set":
        return { type: "setData", path: op.path, data: this.checkedData(op, op.path), version: op.version };
      case "check":
        return {
          type: "check",
          path: op.path,
          version: op.version,
          ...(op.czxid === undefined ? {} : { czxid: BigInt(op.czxid) as Zxid }),
        };
    }
  }

  private checkPath(path: string, sequential = false): void {
    const error = validatePath(path, { sequential });
    if (error) throw error;
  }

  private checkedData(input: { data?: string | undefined; dataBase64?: string | undefined }, path: string): Uint8Array {
    const data = dataOf(input);
    const error = validateData(data, this.deps.config.dataBytesMax, path);
    if (error) throw error;
    return data;
  }

  private authenticate(session: SessionRef): { id: SessionId; timeoutMs: number } {
    const id = sessionIdOf(session.sessionId);
    const { state } = this.deps.host;
    const record = state.session(id);
    if (record === undefined)
      throw keelError("SESSIONEXPIRED", `session ${session.sessionId} has expired or was closed`);
    if (!state.sessionPasswordMatches(id, secretOf(session.secret))) {
      throw keelError("AUTHFAILED", `wrong secret for session ${session.sessionId}`);
    }
    return { id, timeoutMs: record.timeoutMs };
  }

  private ensureServing(): void {
    const { host } = this.deps;
    if (!host.serving) {
      throw keelError(
        "NOTREADY",
        `server ${host.selfId} is not serving (${host.role.toLowerCase()}, not in a quorum); retry or use another server`,
      );
    }
  }

  private async write(
    op: string,
    session: SessionRef | undefined,
    request: ClientRequest,
    caller?: Caller,
  ): Promise<TxnResult> {
    return resultOf(await this.submit(op, session, request, caller));
  }

  /** `caller` absent: a request the server makes on its own behalf (sessions), checked against no ACL. */
  private submit(
    op: string,
    session: SessionRef | undefined,
    request: ClientRequest,
    caller?: Caller,
  ): Promise<Applied> {
    return this.instrument(op, () => {
      const sessionId = session ? this.authenticate(session).id : SESSION_NONE;
      const auth = caller?.auth ?? [];
      return this.deps.host.submit({ sessionId, cxid: this.nextCxid++, auth, request });
    });
  }

  private read<T>(op: string, input: ReadInput, serve: () => T): Promise<T> {
    return this.instrument(op, async () => {
      this.ensureServing();
      if (input.linearizable) await this.deps.host.sync();
      return serve();
    });
  }

  /** Counts a call served outside tRPC (the ZooKeeper port) in the same metrics as the API's own. */
  recordCall(op: string, latencyMs: number, failed: boolean): void {
    const { metrics } = this.deps;
    metrics.requestsTotal.inc({ op });
    metrics.requestDurationSeconds.observe({ op }, latencyMs / 1000);
    if (failed) metrics.requestErrorsTotal.inc({ op, code: "ZK" });
    this.deps.status.recordLatencyMs(latencyMs);
    this.opStats.record(op, latencyMs, failed, this.deps.clock());
  }

  private async instrument<T>(op: string, call: () => Promise<T>): Promise<T> {
    const { metrics } = this.deps;
    metrics.requestsTotal.inc({ op });
    const stopTimer = metrics.requestDurationSeconds.startTimer({ op });
    metrics.outstandingRequests.inc();
    let failed = false;
    try {
      return await call();
    } catch (error) {
      failed = true;
      metrics.requestErrorsTotal.inc({ op, code: error instanceof KeelError ? error.code : "INTERNAL" });
      throw error;
    } finally {
      metrics.outstandingRequests.dec();
      const latencyMs = stopTimer() * 1000;
      this.deps.status.recordLatencyMs(latencyMs);
      this.opStats.record(op, latencyMs, failed, this.deps.clock());
    }
  }
}

/** A recorded client address fits CLIENT_ADDRESS_BYTES_MAX (ASCII here: an IP and a port). */
function clippedAddress(address: string): string {
  return address.slice(0, CLIENT_ADDRESS_BYTES_MAX);
}

function resultOf(applied: Applied): TxnResult {
  if (applied.result.type === "rejected") throw applied.result.error;
  return applied.result;
}

function expectResult<T extends TxnResult["type"]>(result: TxnResult, type: T): Success<T> {
  if (result.type !== type) throw keelError("SYSTEMERROR", `expected a ${type} result, got ${result.type}`);
  return result as Success<T>;
}

function orThrow<T>(value: T | KeelError): T {
  if (value instanceof KeelError) throw value;
  return value;
}
