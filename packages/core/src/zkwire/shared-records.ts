/**
 * Records that requests and replies share (docs/zookeeper-wire.md §6, §8, §9.1): Stat, ACL, the
 * create body, the MultiHeader and the WatcherEvent.
 */
import type { JuteReader, JuteWriter } from "./jute.js";
import type { CreateBody, WatcherEvent, ZkAcl, ZkStat } from "./records.js";

/** Stat is always 68 bytes; pzxid comes last (§6.1). */
export const STAT_BYTES = 68;
/** The smallest ACL: perms int plus two empty ustrings. */
export const ACL_BYTES_MIN = 12;
/** The smallest ustring: its length. */
export const USTRING_BYTES_MIN = 4;

export function readStat(reader: JuteReader): ZkStat {
  return {
    czxid: reader.long("stat.czxid"),
    mzxid: reader.long("stat.mzxid"),
    ctime: reader.long("stat.ctime"),
    mtime: reader.long("stat.mtime"),
    version: reader.int("stat.version"),
    cversion: reader.int("stat.cversion"),
    aversion: reader.int("stat.aversion"),
    ephemeralOwner: reader.long("stat.ephemeralOwner"),
    dataLength: reader.int("stat.dataLength"),
    numChildren: reader.int("stat.numChildren"),
    pzxid: reader.long("stat.pzxid"),
  };
}

export function writeStat(writer: JuteWriter, stat: ZkStat): void {
  writer.long(stat.czxid).long(stat.mzxid).long(stat.ctime).long(stat.mtime);
  writer.int(stat.version).int(stat.cversion).int(stat.aversion);
  writer.long(stat.ephemeralOwner).int(stat.dataLength).int(stat.numChildren).long(stat.pzxid);
}

export function readAcls(reader: JuteReader): ZkAcl[] {
  return reader.vector("acl", ACL_BYTES_MIN, () => ({
    perms: reader.int("acl.perms"),
    id: { scheme: reader.string("acl.id.scheme"), id: reader.string("acl.id.id") },
  }));
}

export function writeAcls(writer: JuteWriter, acls: readonly ZkAcl[]): void {
  writer.vector(acls, (acl) => writer.int(acl.perms).ustring(acl.id.scheme).ustring(acl.id.id));
}

export function readStrings(reader: JuteReader, field: string): string[] {
  return reader.vector(field, USTRING_BYTES_MIN, () => reader.string(field));
}

export function writeStrings(writer: JuteWriter, values: readonly string[]): void {
  writer.vector(values, (value) => writer.ustring(value));
}

/** CreateRequest; CreateTTLRequest is the same followed by a ttl long. */
export function readCreateBody(reader: JuteReader): CreateBody {
  return {
    path: reader.string("path"),
    data: reader.buffer("data"),
    acl: readAcls(reader),
    flags: reader.int("flags"),
  };
}

export function writeCreateBody(writer: JuteWriter, body: CreateBody): void {
  writer.ustring(body.path).buffer(body.data);
  writeAcls(writer, body.acl);
  writer.int(body.flags);
}

export interface MultiHeader {
  readonly type: number;
  readonly done: boolean;
  readonly err: number;
}

export function readMultiHeader(reader: JuteReader): MultiHeader {
  return { type: reader.int("multi.type"), done: reader.bool("multi.done"), err: reader.int("multi.err") };
}

export function writeMultiHeader(writer: JuteWriter, header: MultiHeader): void {
  writer.int(header.type).bool(header.done).int(header.err);
}

/** Ends the item list of every multi request and response (§8). */
export const MULTI_END: MultiHeader = { type: -1, done: true, err: -1 };

export function readWatcherEvent(reader: JuteReader): WatcherEvent {
  return { type: reader.int("event.type"), state: reader.int("event.state"), path: reader.string("event.path") };
}

export function writeWatcherEvent(writer: JuteWriter, event: WatcherEvent): void {
  writer.int(event.type).int(event.state).ustring(event.path);
}
