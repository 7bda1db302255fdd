/**
 * ACLs (docs/data-model.md §5): perm bits, schemes world / auth / digest / ip / user (and exact
 * matching for any other scheme, e.g. x509 or sasl), the super identities (configured ones and
 * Keel's own KEEL_SUPER_ID), and the `auth` expansion at set time. Digest ids are compared as
 * stored strings: hashing the password into the id is the server's job at setAuth time
 * (docs/data-model.md explains why).
 */

import { utf8ByteLength } from "../codec/bytes.js";
import { type KeelError, keelError } from "../errors.js";
import { ACL_ENTRIES_MAX, ACL_ID_BYTES_MAX } from "../limits.js";

export const PERMS = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;
export type Perm = (typeof PERMS)[Exclude<keyof typeof PERMS, "ALL">];

export interface AclEntry {
  readonly perms: number;
  readonly scheme: string;
  readonly id: string;
}
export type Acl = readonly AclEntry[];

/** An identity the caller has authenticated as (`setAuth`), or its address (`ip`). */
export interface AuthId {
  readonly scheme: string;
  readonly id: string;
}

export const OPEN_ACL_UNSAFE: Acl = Object.freeze([Object.freeze({ perms: PERMS.ALL, scheme: "world", id: "anyone" })]);
export const READ_ACL_UNSAFE: Acl = Object.freeze([
  Object.freeze({ perms: PERMS.READ, scheme: "world", id: "anyone" }),
]);
export const CREATOR_ALL_ACL: Acl = Object.freeze([Object.freeze({ perms: PERMS.ALL, scheme: "auth", id: "" })]);

/**
 * Keel's own super identity (docs/data-model.md §5, "Keel's users"): the server adds it for its
 * internal writes (users, tokens) and for callers with role admin. No client can claim it: the
 * API derives identities from credentials and the ZooKeeper port accepts only digest and ip.
 */
export const KEEL_SUPER_ID: AuthId = Object.freeze({ scheme: "super", id: "keel" });

/** What a Keel user name (ACL scheme `user`) looks like; `super` is a name the server reserves. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Who else may bypass ACLs: ZooKeeper's `zookeeper.DigestAuthenticationProvider.superDigest`.
 * KEEL_SUPER_ID always may, whatever `superIds` holds.
 */
export interface AclPolicy {
  readonly superIds: readonly AuthId[];
}

/**
 * Validates an ACL from a request and expands `auth` entries to every authenticated identity of
 * the caller (ZooKeeper's fixupACL). `ip` identities are not "authenticated" for this purpose.
 * Returns the ACL to store (deduplicated, in request order) or INVALIDACL.
 */
export function fixupAcl(acl: Acl, auth: readonly AuthId[], path: string): Acl | KeelError {
  if (acl.length === 0) return invalid("ACL must not be empty", path);
  if (acl.length > ACL_ENTRIES_MAX) return invalid(`ACL has more than ${ACL_ENTRIES_MAX} entries`, path);
  const out: AclEntry[] = [];
  for (const entry of acl) {
    if (!Number.isInteger(entry.perms) || entry.perms < 0 || entry.perms > PERMS.ALL) {
      return invalid(`perms ${entry.perms} outside 0..31`, path);
    }
    if (utf8ByteLength(entry.scheme) > ACL_ID_BYTES_MAX || utf8ByteLength(entry.id) > ACL_ID_BYTES_MAX) {
      return invalid(`ACL scheme or id longer than ${ACL_ID_BYTES_MAX} bytes`, path);
    }
    if (entry.scheme === "auth") {
      const identities = auth.filter((id) => id.scheme !== "ip" && id.scheme !== "world");
      if (identities.length === 0) return invalid("scheme auth needs an authenticated identity", path);
      for (const id of identities) pushUnique(out, { perms: entry.perms, scheme: id.scheme, id: id.id });
      continue;
    }
    const idError = validateId(entry);
    if (idError !== undefined) return invalid(idError, path);
    pushUnique(out, { perms: entry.perms, scheme: entry.scheme, id: entry.id });
  }
  return out;
}

function validateId(entry: AclEntry): string | undefined {
  switch (entry.scheme) {
    case "world":
      return entry.id === "anyone" ? undefined : "scheme world only has the id anyone";
    case "digest":
      return entry.id.indexOf(":") > 0 ? undefined : "digest id must look like user:hash";
    case "ip":
      return parseIpPattern(entry.id) === undefined ? "ip id must be an address or CIDR" : undefined;
    case "user":
      return USER_NAME_PATTERN.test(entry.id) ? undefined : `user id must be a user name (${USER_NAME_PATTERN.source})`;
    case "x509":
    case "sasl":
    case "super":
      return entry.id.length > 0 ? undefined : `${entry.scheme} id must not be empty`;
    default:
      return `unknown ACL scheme ${JSON.stringify(entry.scheme)}`;
  }
}

function pushUnique(out: AclEntry[], entry: AclEntry): void {
  if (out.some((e) => e.scheme === entry.scheme && e.id === entry.id && e.perms === entry.perms)) return;
  out.push(entry);
}

function invalid(message: string, path: string): KeelError {
  return keelError("INVALIDACL", message, path);
}

/** True when the caller may do `perm` on a node with `acl` (ZooKeeper's checkACL). */
export function checkAcl(acl: Acl, perm: Perm, auth: readonly AuthId[], policy: AclPolicy): boolean {
  if (isSuper(auth, policy)) return true;
  for (const entry of acl) {
    if ((entry.perms & perm) === 0) continue;
    if (entry.scheme === "world" && entry.id === "anyone") return true;
    for (const id of auth) {
      if (id.scheme !== entry.scheme) continue;
      if (entry.scheme === "ip" ? ipMatches(entry.id, id.id) : id.id === entry.id) return true;
    }
  }
  return false;
}

/** True when the caller holds KEEL_SUPER_ID or one of the policy's super identities. */
export function isSuper(auth: readonly AuthId[], policy: AclPolicy): boolean {
  for (const id of auth) {
    if (id.scheme === KEEL_SUPER_ID.scheme && id.id === KEEL_SUPER_ID.id) return true;
    for (const superId of policy.superIds) if (superId.scheme === id.scheme && superId.id === id.id) return true;
  }
  return false;
}

/**
 * getACL without ADMIN hides digest ids (CVE-2019-0201: a READ-only caller must not learn the
 * hash of an ADMIN's password). ZooKeeper shows `x:x`; Keel does the same.
 */
export function redactAcl(acl: Acl): Acl {
  return acl.map((e) => (e.scheme === "digest" ? { perms: e.perms, scheme: e.scheme, id: "x:x" } : e));
}

/** Canonical key of an ACL list, used to share one frozen copy among nodes with equal ACLs. */
export function aclKey(acl: Acl): string {
  let key = "";
  for (const e of acl) key += `${e.perms}\u0000${e.scheme}\u0000${e.id}\u0001`;
  return key;
}

// ---- ip matching: IPv4 address or CIDR; any other string is matched exactly (IPv6 and names).

interface IpPattern {
  readonly address: number;
  readonly bits: number;
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const byte = Number(part);
    if (byte > 255) return undefined;
    value = value * 256 + byte;
  }
  return value;
}

function parseIpPattern(text: string): IpPattern | undefined {
  const slash = text.indexOf("/");
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const bits = slash < 0 ? 32 : Number(text.slice(slash + 1));
  const address = parseIpv4(addressText);
  if (address === undefined) return text.includes(":") && slash < 0 ? { address: -1, bits: 0 } : undefined;
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  return { address, bits };
}

function ipMatches(pattern: string, address: string): boolean {
  const parsed = parseIpPattern(pattern);
  const ip = parseIpv4(address);
  if (parsed === undefined || parsed.address < 0 || ip === undefined) return pattern === address;
  if (parsed.bits === 0) return true;
  const shift = 32 - parsed.bits;
  return Math.floor(parsed.address / 2 ** shift) === Math.floor(ip / 2 ** shift);
}
