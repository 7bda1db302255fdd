/**
 * Branded identifiers. A zxid is 64 bits ((epoch << 32) | counter), more than a JS number holds
 * exactly, so it is a bigint; so is a session id. Brands keep a zxid from being passed where a
 * session id is wanted (style rule 6).
 */
import { assert } from "./assert.js";
import { EPOCH_MAX } from "./limits.js";

export type Zxid = bigint & { readonly __brand: "Zxid" };
export type Epoch = number & { readonly __brand: "Epoch" };
export type PeerId = number & { readonly __brand: "PeerId" };
export type SessionId = bigint & { readonly __brand: "SessionId" };

const COUNTER_BITS = 32n;
const COUNTER_MASK = (1n << COUNTER_BITS) - 1n;

export { EPOCH_MAX };
export const ZXID_COUNTER_MAX = 0xffff_ffff;

export const ZXID_ZERO = 0n as Zxid;
export const SESSION_NONE = 0n as SessionId;

export function zxid(epoch: number, counter: number): Zxid {
  assert(Number.isInteger(epoch) && epoch >= 0 && epoch <= EPOCH_MAX, `zxid: bad epoch ${epoch}`);
  assert(Number.isInteger(counter) && counter >= 0 && counter <= ZXID_COUNTER_MAX, `zxid: bad counter ${counter}`);
  return ((BigInt(epoch) << COUNTER_BITS) | BigInt(counter)) as Zxid;
}

export function zxidEpoch(value: Zxid): Epoch {
  return Number(value >> COUNTER_BITS) as Epoch;
}

export function zxidCounter(value: Zxid): number {
  return Number(value & COUNTER_MASK);
}

/** Parses a zxid from its wire form (a decimal string or bigint); undefined when out of range. */
export function parseZxid(value: string | bigint): Zxid | undefined {
  let parsed: bigint;
  try {
    parsed = typeof value === "bigint" ? value : BigInt(value);
  } catch {
    return undefined;
  }
  if (parsed < 0n || parsed > (BigInt(EPOCH_MAX) << COUNTER_BITS) + COUNTER_MASK) return undefined;
  return parsed as Zxid;
}

export function compareZxid(a: Zxid, b: Zxid): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function maxZxid(a: Zxid, b: Zxid): Zxid {
  return a > b ? a : b;
}

/** Human form used in logs and the console: `0x<epoch>:<counter>` reads better than 2^32-scale decimals. */
export function formatZxid(value: Zxid): string {
  return `0x${zxidEpoch(value).toString(16)}:${zxidCounter(value)}`;
}

export function epoch(value: number): Epoch {
  assert(Number.isInteger(value) && value >= 0 && value <= EPOCH_MAX, `epoch: bad value ${value}`);
  return value as Epoch;
}

export function peerId(value: number): PeerId {
  assert(Number.isInteger(value) && value >= 1 && value <= 255, `peerId: must be an integer in 1..255, got ${value}`);
  return value as PeerId;
}

export function sessionId(value: bigint): SessionId {
  assert(value >= 0n && value < 1n << 64n, `sessionId: out of range ${value}`);
  return value as SessionId;
}
