/**
 * The environment of the application scripts under testdata/app (testdata/README.md): a leader's
 * KeelState driven through the real codecs (app/test-driver.ts), a follower that applies the very
 * same log bytes, and named watchers on the leader's WatchTable. Every applied txn prints the
 * events each watcher receives; the follower's node changes must equal the leader's, or the
 * command fails (a cause must come from the committed txn alone, never from a replica's state).
 */
import { isDeepStrictEqual } from "node:util";
import { type Applied, KeelState } from "../app/keel-state.js";
import { create, TestDriver } from "../app/test-driver.js";
import { zxid as makeZxid, SESSION_NONE, type SessionId, type Zxid } from "../ids.js";
import type { DeleteCause } from "../tree/delete-cause.js";
import type { ClientRequest } from "../tree/request.js";
import type { TxnResult } from "../tree/results.js";
import { CREATE_MODES, type CreateMode } from "../tree/znode.js";
import { type PersistentWatchMode, type WatchEvent, type WatcherId, WatchTable } from "../watches/watch-table.js";
import type { CommandArg, TestCommand } from "./datadriven.js";
import { z } from "./format.js";

type WatchMode = "data" | "exist" | "child" | PersistentWatchMode;
const WATCH_MODES: readonly WatchMode[] = ["data", "exist", "child", "persistent", "persistentRecursive"];

export class AppEnv {
  private readonly leader = new TestDriver({ ttlEnabled: true });
  private readonly follower = new KeelState({ ttlEnabled: true });
  private readonly watches = new WatchTable();
  private readonly watcherIds = new Map<string, WatcherId>();
  private readonly sessions = new Map<string, SessionId>();

  handle(command: TestCommand): string {
    switch (command.name) {
      case "open-session":
        return this.openSession(positional(command, 0));
      case "create":
        return this.write(this.createRequest(command), this.sessionArg(command));
      case "delete":
        return this.write(this.deleteRequest(command), this.sessionArg(command));
      case "multi-delete":
        return this.write(
          { type: "multi", ops: positionals(command).map((path) => ({ type: "delete", path, version: -1 })) },
          this.sessionArg(command),
        );
      case "close-session":
        return this.write({ type: "closeSession" }, this.session(positional(command, 0)));
      case "advance":
        return this.advance(Number(positional(command, 0)));
      case "watch":
        return this.watch(command);
      case "resume":
        return this.resume(command);
      default:
        throw new Error(`unknown command ${command.name}`);
    }
  }

  private openSession(name: string): string {
    const applied = this.applyLogged(
      this.leader.prepare({ type: "createSession", timeoutMs: 4_000, password: new Uint8Array([1]) }),
    );
    if (applied.result.type !== "createSession") throw new Error(`createSession: ${applied.result.type}`);
    this.sessions.set(name, applied.result.sessionId);
    return `${z(applied.zxid)} session ${name} timeoutMs=${applied.result.timeoutMs}`;
  }

  private createRequest(command: TestCommand): ClientRequest {
    const kind = (value(command, "kind") ?? "persistent") as CreateMode;
    if (!CREATE_MODES.includes(kind)) throw new Error(`unknown kind ${kind}`);
    const ttl = value(command, "ttl");
    return create(positional(command, 0), kind, "", ttl === undefined ? {} : { ttlMs: Number(ttl) });
  }

  private deleteRequest(command: TestCommand): ClientRequest {
    const path = positional(command, 0);
    // The operator's reason is the command's input block (it may hold spaces).
    if (flag(command, "force-release")) return { type: "forceRelease", path, version: -1, reason: command.input };
    return { type: "delete", path, version: -1 };
  }

  private write(request: ClientRequest, sessionId: SessionId): string {
    return this.print(this.applyLogged(this.leader.prepare(request, { sessionId })));
  }

  /** Moves the leader's clock, then proposes and applies whatever its housekeeping asks for. */
  private advance(ms: number): string {
    this.leader.nowMs += ms;
    const lines: string[] = [];
    for (const request of this.leader.state.housekeeping(this.leader.nowMs, 64)) {
      const zxid = this.leader.nextZxid();
      const entry = { zxid, txn: this.leader.state.prepare(request, zxid, this.leader.nowMs) };
      this.leader.log.push(entry);
      lines.push(this.print(this.applyLogged(entry)));
    }
    return lines.join("\n");
  }

  /** Applies one logged entry on the leader and on the follower, which must agree on every change. */
  private applyLogged(entry: { zxid: Zxid; txn: Uint8Array }) {
    const applied = this.leader.apply(entry);
    const mirrored = this.follower.apply({ zxid: entry.zxid, txn: entry.txn.slice() });
    if (!isDeepStrictEqual(mirrored.changes, applied.changes)) {
      throw new Error(
        `the follower's changes differ at ${z(entry.zxid)}: ${JSON.stringify(mirrored.changes, bigints)}`,
      );
    }
    return applied;
  }

  private print(applied: Applied): string {
    const result = applied.result;
    const text =
      result.type === "closeSession"
        ? `closeSession ${this.sessionName(result.sessionId)} deleted=[${result.deletedPaths.join(",")}]`
        : resultText(result);
    const lines = [`${z(applied.zxid)} ${text}`];
    const events = this.watches.trigger(applied.changes, applied.zxid);
    for (const [name, id] of this.watcherIds) {
      for (const event of events.get(id) ?? []) lines.push(`  ${name} ${this.eventText(event)}`);
    }
    return lines.join("\n");
  }

  private watch(command: TestCommand): string {
    const name = positional(command, 0);
    const path = positional(command, 1);
    const mode = watchMode(command);
    let id = this.watcherIds.get(name);
    if (id === undefined) {
      id = this.watcherIds.size + 1;
      this.watcherIds.set(name, id);
    }
    const error =
      mode === "persistent" || mode === "persistentRecursive"
        ? this.watches.addPersistent(id, path, mode)
        : this.watches.addOneShot(id, path, mode);
    return error === undefined ? "ok" : error.message;
  }

  /** What a watch stream resumed after `after=<zxid>` replays from the leader's history (as the server does). */
  private resume(command: TestCommand): string {
    const path = positional(command, 0);
    const after = parseScriptZxid(value(command, "after") ?? "0:0");
    const mode = watchMode(command);
    const table = new WatchTable();
    if (mode === "persistent" || mode === "persistentRecursive") table.addPersistent(1, path, mode);
    else table.addOneShot(1, path, mode);
    const read = this.leader.state.historyAfter(after);
    if (read.type !== "ok") return `tooOld floor=${z(read.floorZxid)}`;
    const lines: string[] = [];
    for (const entry of read.entries) {
      for (const event of table.trigger(entry.changes, entry.zxid).get(1) ?? []) lines.push(this.eventText(event));
    }
    return lines.join("\n");
  }

  private eventText(event: WatchEvent): string {
    const base = `${event.type} ${event.path} zxid=${z(event.zxid)}`;
    return event.cause === undefined ? base : `${base} cause=${this.causeText(event.cause)}`;
  }

  private causeText(cause: DeleteCause): string {
    switch (cause.kind) {
      case "delete":
      case "sessionExpired":
      case "sessionClosed":
        return `${cause.kind}(${this.sessionName(cause.sessionId)})`;
      case "forceRelease":
        return `forceRelease(${this.sessionName(cause.sessionId)}, ${JSON.stringify(cause.reason)})`;
      case "ttlExpired":
      case "containerEmpty":
        return cause.kind;
    }
  }

  private sessionName(id: SessionId): string {
    if (id === SESSION_NONE) return "none";
    for (const [name, sessionId] of this.sessions) if (sessionId === id) return name;
    return `0x${id.toString(16)}`;
  }

  private sessionArg(command: TestCommand): SessionId {
    const name = value(command, "session");
    return name === undefined ? SESSION_NONE : this.session(name);
  }

  private session(name: string): SessionId {
    const id = this.sessions.get(name);
    if (id === undefined) throw new Error(`no session named ${name}`);
    return id;
  }
}

function resultText(result: TxnResult): string {
  switch (result.type) {
    case "rejected":
      return `rejected ${result.error.code}: ${result.error.message}`;
    case "closeSession":
      return "closeSession";
    case "multi":
      return `multi [${result.results.map((r) => r.type).join(",")}]`;
    case "createSession":
      return "createSession";
    case "error":
      return `error ${result.code}`;
    default:
      return `${result.type} ${result.path}`;
  }
}

function parseScriptZxid(text: string): Zxid {
  const [epoch, counter] = text.split(":").map(Number);
  if (epoch === undefined || counter === undefined) throw new Error(`bad zxid ${text}`);
  return makeZxid(epoch, counter);
}

function watchMode(command: TestCommand): WatchMode {
  const mode = (value(command, "mode") ?? "persistent") as WatchMode;
  if (!WATCH_MODES.includes(mode)) throw new Error(`unknown watch mode ${mode}`);
  return mode;
}

/** Bare words that are flags, not positional arguments. */
const FLAGS = new Set(["force-release"]);

function positionals(command: TestCommand): string[] {
  return command.args.filter((arg: CommandArg) => arg.values.length === 0 && !FLAGS.has(arg.key)).map((arg) => arg.key);
}

function positional(command: TestCommand, index: number): string {
  const found = positionals(command)[index];
  if (found === undefined) throw new Error(`${command.name}: argument ${index + 1} is missing`);
  return found;
}

function value(command: TestCommand, key: string): string | undefined {
  return command.args.find((arg) => arg.key === key)?.values[0];
}

function flag(command: TestCommand, key: string): boolean {
  return command.args.some((arg) => arg.key === key);
}

function bigints(_key: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}
