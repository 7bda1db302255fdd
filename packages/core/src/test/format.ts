/**
 * Stable, readable text for what the data-driven scripts print: zxids as `epoch:counter` in
 * decimal, peer messages as `TYPE field=value ...` (the link's connection id and sequence number
 * are left out: they are random and checked by the replica itself), Ready parts one per line in
 * the order zab/driver.ts performs them.
 */
import { unreachable } from "../assert.js";
import type { Zxid } from "../ids.js";
import { zxidCounter, zxidEpoch } from "../ids.js";
import { SESSION_GONE, type SessionDeadline } from "../sessions/session-deadlines.js";
import type { DurableWrite, LogEntry, SnapshotHeader } from "../zab/io.js";
import type { ForwardedRequest, PeerMessage, Vote } from "../zab/messages.js";
import type { Ready, ReplicaEvent, Reply } from "../zab/ready.js";
import { bytesText } from "./script-app.js";

export function z(value: Zxid): string {
  return `${zxidEpoch(value)}:${zxidCounter(value)}`;
}

export function entries(list: readonly LogEntry[]): string {
  return list.map((e) => `${z(e.zxid)} ${bytesText(e.txn)}`).join(", ");
}

function vote(v: Vote): string {
  return `(leader=${v.leader} zxid=${z(v.zxid)} peerEpoch=${v.peerEpoch})`;
}

function snapshot(s: { readonly zxid: Zxid }): string {
  return `snapshot@${z(s.zxid)}`;
}

function value(key: string, v: unknown): string {
  if (key === "vote") return vote(v as Vote);
  if (key === "entries") return `[${entries(v as LogEntry[])}]`;
  if (key === "data" && v instanceof Uint8Array) return `${v.length}B`;
  if (key === "snapshot") {
    const header = v as SnapshotHeader;
    return `${snapshot(header)} chunks=${header.chunkCount} bytes=${header.bytesTotal}`;
  }
  if (key === "requests") {
    const list = v as readonly ForwardedRequest[];
    return `[${list.map((r) => `#${r.requestId} ${bytesText(r.request)}`).join(", ")}]`;
  }
  if (key === "deadlines") {
    if (v === undefined) return "unknown";
    const list = v as readonly SessionDeadline[];
    return `[${list.map((d) => `${d.session}:${d.remainingMs === SESSION_GONE ? "gone" : `${d.remainingMs}ms`}`).join(", ")}]`;
  }
  if (typeof v === "bigint") return /zxid/i.test(key) ? z(v as Zxid) : v.toString();
  if (Array.isArray(v)) return `[${v.map(String).join(",")}]`;
  return String(v);
}

export function message(m: PeerMessage): string {
  const fields = Object.entries(m)
    .filter(([key]) => key !== "type" && key !== "connection" && key !== "seq")
    .map(([key, v]) => `${key}=${value(key, v)}`);
  return [m.type, ...fields].join(" ");
}

function persist(w: DurableWrite): string {
  const parts: string[] = [];
  if (w.stageChunks !== undefined) {
    const indexes = w.stageChunks.chunks.map((chunk) => chunk.index).join(",");
    parts.push(`stage ${snapshot(w.stageChunks.header)} chunks=[${indexes}]`);
  }
  if (w.installSnapshot !== undefined) parts.push(`install ${snapshot(w.installSnapshot)}`);
  if (w.truncateAfter !== undefined) parts.push(`truncateAfter=${z(w.truncateAfter)}`);
  if (w.entries.length > 0) parts.push(`entries=[${entries(w.entries)}]`);
  if (w.acceptedEpoch !== undefined) parts.push(`acceptedEpoch=${w.acceptedEpoch}`);
  if (w.currentEpoch !== undefined) parts.push(`currentEpoch=${w.currentEpoch}`);
  return parts.join(" ");
}

function reply(r: Reply): string {
  switch (r.type) {
    case "SYNCED":
      return `SYNCED syncId=${r.syncId} zxid=${z(r.zxid)}`;
    case "SYNC_FAILED":
      return `SYNC_FAILED syncId=${r.syncId} ${r.code}`;
    case "TOUCH_CONFIRMED":
      return `TOUCH_CONFIRMED touchId=${r.touchId} ${r.open ? "open" : "expired"}`;
    case "TOUCH_FAILED":
      return `TOUCH_FAILED touchId=${r.touchId} ${r.code}`;
    case "REQUEST_REJECTED":
      return `REQUEST_REJECTED requestId=${r.requestId} ${r.code}`;
    default:
      return unreachable(r);
  }
}

function event(e: ReplicaEvent): string {
  switch (e.type) {
    case "ROLE":
      return e.leader === undefined ? `ROLE ${e.role}` : `ROLE ${e.role} leader=${e.leader}`;
    case "ESTABLISHED":
      return `ESTABLISHED epoch=${e.epoch}`;
    case "SERVING":
      return `SERVING epoch=${e.epoch} leader=${e.leader}`;
    case "STEP_DOWN":
      return `STEP_DOWN "${e.reason}"`;
    default:
      return unreachable(e);
  }
}

/** One Ready of replica `self`, indented under a `> self ready` header, in the driver's order. */
export function ready(self: number, r: Ready): string[] {
  const out = [`> ${self} ready`];
  for (const env of r.sendBeforePersist) out.push(`  send ${self}->${env.to} ${message(env.message)}`);
  if (r.persist !== undefined) out.push(`  persist ${persist(r.persist)}`);
  for (const env of r.sendAfterPersist) out.push(`  send ${self}->${env.to} ${message(env.message)}`);
  if (r.restore !== undefined) out.push(`  restore ${snapshot(r.restore)}`);
  if (r.commit.length > 0) out.push(`  apply ${entries(r.commit)}`);
  for (const x of r.replies) out.push(`  reply ${reply(x)}`);
  for (const x of r.events) out.push(`  event ${event(x)}`);
  return out;
}
