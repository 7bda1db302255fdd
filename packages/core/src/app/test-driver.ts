/**
 * Test helper (excluded from the build): drives a KeelState as leader through the real codecs,
 * keeping the log so other replicas can replay it. Not used by production code.
 */
import { encodeRequest } from "../codec/request-codec.js";
import { zxid as makeZxid, SESSION_NONE, type SessionId, type Zxid } from "../ids.js";
import { type AuthId, OPEN_ACL_UNSAFE } from "../tree/acl.js";
import type { ClientRequest, CreateRequest } from "../tree/request.js";
import type { TxnResult } from "../tree/results.js";
import type { CreateMode } from "../tree/znode.js";
import type { ReconfigView } from "../zab/application.js";
import type { LogEntry } from "../zab/io.js";
import { type Applied, KeelState } from "./keel-state.js";
import type { KeelStateConfig } from "./keel-state-config.js";

export interface SubmitOptions {
  readonly sessionId?: SessionId;
  readonly auth?: readonly AuthId[];
  /** The leader's membership view, for reconfig requests. */
  readonly reconfig?: ReconfigView;
}

export class TestDriver {
  readonly state: KeelState;
  readonly log: LogEntry[] = [];
  nowMs = 1_000;
  private counter = 0;
  private cxid = 0;

  constructor(config: Partial<KeelStateConfig> = {}) {
    this.state = new KeelState(config);
    this.state.startLeading(this.nowMs, undefined);
  }

  nextZxid(): Zxid {
    this.counter++;
    return makeZxid(1, this.counter);
  }

  /** The zxid the next prepared request will get. */
  peekNextZxid(): Zxid {
    return makeZxid(1, this.counter + 1);
  }

  /** Prepares without applying (to test pipelining). */
  prepare(request: ClientRequest, options: SubmitOptions = {}): LogEntry {
    const bytes = encodeRequest({
      sessionId: options.sessionId ?? SESSION_NONE,
      cxid: ++this.cxid,
      origin: { peer: 1, requestId: this.cxid },
      auth: options.auth ?? [],
      request,
    });
    const zxid = this.nextZxid();
    const entry = { zxid, txn: this.state.prepare(bytes, zxid, this.nowMs, options.reconfig) };
    this.log.push(entry);
    return entry;
  }

  apply(entry: LogEntry): Applied {
    return this.state.apply(entry);
  }

  submit(request: ClientRequest, options: SubmitOptions = {}): Applied {
    return this.apply(this.prepare(request, options));
  }

  result(request: ClientRequest, options: SubmitOptions = {}): TxnResult {
    return this.submit(request, options).result;
  }

  openSession(timeoutMs = 10_000): SessionId {
    const result = this.result({ type: "createSession", timeoutMs, password: new Uint8Array([1, 2, 3]) });
    if (result.type !== "createSession") throw new Error(`createSession failed: ${JSON.stringify(result.type)}`);
    return result.sessionId;
  }
}

export function create(
  path: string,
  kind: CreateMode = "persistent",
  data = "",
  extra: Partial<CreateRequest> = {},
): CreateRequest {
  return { type: "create", path, data: new TextEncoder().encode(data), acl: OPEN_ACL_UNSAFE, kind, ...extra };
}

/** The error code of a rejected result, or "OK". */
export function codeOf(result: TxnResult): string {
  return result.type === "rejected" ? result.error.code : "OK";
}
