/**
 * Encodings shared by the txn, request and snapshot codecs: ACL lists, origins, node kinds and
 * error codes. Readers validate as they go and report problems through `DecodeProblem`, so a
 * decoder can return one typed MARSHALLINGERROR instead of throwing on bad bytes.
 */
import { ERROR_CODES, errorCodeFromNumber, type KeelErrorCode } from "../errors.js";
import type { PeerId } from "../ids.js";
import { ACL_ENTRIES_MAX, ACL_ID_BYTES_MAX, PATH_BYTES_MAX } from "../limits.js";
import type { Acl, AclEntry } from "../tree/acl.js";
import type { MultiOpCode, Origin } from "../tree/txn.js";
import type { CreateMode, NodeKind } from "../tree/znode.js";
import { MEMBER_HOST_CHARS_MAX, type Member, type MemberRole, membershipProblem } from "../zab/membership.js";
import type { ByteReader, ByteWriter } from "./bytes.js";

/** Collects the first thing wrong with the bytes being decoded. */
export class DecodeProblem {
  message: string | undefined;

  fail(message: string): void {
    if (this.message === undefined) this.message = message;
  }
}

export function writeAcl(writer: ByteWriter, acl: Acl): void {
  writer.u32(acl.length);
  for (const entry of acl) writer.u8(entry.perms).string(entry.scheme).string(entry.id);
}

export function readAcl(reader: ByteReader, problem: DecodeProblem): Acl {
  const count = reader.u32();
  if (count > ACL_ENTRIES_MAX) {
    problem.fail(`ACL of ${count} entries`);
    return [];
  }
  const acl: AclEntry[] = [];
  for (let i = 0; i < count && reader.ok; i++) {
    acl.push({ perms: reader.u8(), scheme: reader.string(ACL_ID_BYTES_MAX), id: reader.string(ACL_ID_BYTES_MAX) });
  }
  return acl;
}

export function readPath(reader: ByteReader): string {
  return reader.string(PATH_BYTES_MAX + 16);
}

export function writeOrigin(writer: ByteWriter, origin: Origin): void {
  writer.f64(origin.peer).f64(origin.requestId);
}

export function readOrigin(reader: ByteReader): Origin {
  return { peer: reader.f64(), requestId: reader.f64() };
}

// ZooKeeper's CreateMode numbers (docs/data-model.md §2), reused for node kinds.
const MODE_CODES: Record<CreateMode, number> = {
  persistent: 0,
  ephemeral: 1,
  persistentSequential: 2,
  ephemeralSequential: 3,
  container: 4,
  ttl: 5,
  ttlSequential: 6,
};
const MODES_BY_CODE = new Map<number, CreateMode>(
  Object.entries(MODE_CODES).map(([mode, code]) => [code, mode as CreateMode]),
);

export function modeCode(mode: CreateMode): number {
  return MODE_CODES[mode];
}

export function modeFromCode(code: number, problem: DecodeProblem): CreateMode {
  const mode = MODES_BY_CODE.get(code);
  if (mode === undefined) problem.fail(`unknown create mode ${code}`);
  return mode ?? "persistent";
}

export function kindCode(kind: NodeKind): number {
  return MODE_CODES[kind];
}

export function kindFromCode(code: number, problem: DecodeProblem): NodeKind {
  const mode = MODES_BY_CODE.get(code);
  if (mode !== "persistent" && mode !== "ephemeral" && mode !== "container" && mode !== "ttl") {
    problem.fail(`unknown node kind ${code}`);
    return "persistent";
  }
  return mode;
}

export function errorCodeNumber(code: MultiOpCode): number {
  return ERROR_CODES[code];
}

export function errorCodeFrom(value: number, problem: DecodeProblem): KeelErrorCode {
  const code = errorCodeFromNumber(value);
  if (code === undefined) problem.fail(`unknown error code ${value}`);
  return code ?? "SYSTEMERROR";
}

export function multiOpCodeFrom(value: number, problem: DecodeProblem): MultiOpCode {
  return value === 0 ? "OK" : errorCodeFrom(value, problem);
}

// --- members (reconfig requests and txns) ---

const MEMBER_ROLE_CODES = { voter: 0, observer: 1 } as const satisfies Record<MemberRole, number>;

/** u32 id | u8 role | string host | u32 peerPort | u32 clientPort. */
export function writeMember(writer: ByteWriter, member: Member): void {
  writer
    .u32(member.id)
    .u8(MEMBER_ROLE_CODES[member.role])
    .string(member.host)
    .u32(member.peerPort)
    .u32(member.clientPort);
}

export function readMember(reader: ByteReader, problem: DecodeProblem): Member {
  const id = reader.u32();
  const roleCode = reader.u8();
  if (roleCode !== MEMBER_ROLE_CODES.voter && roleCode !== MEMBER_ROLE_CODES.observer)
    problem.fail(`unknown member role ${roleCode}`);
  const member: Member = {
    id: id as PeerId,
    role: roleCode === MEMBER_ROLE_CODES.observer ? "observer" : "voter",
    host: reader.string(MEMBER_HOST_CHARS_MAX * 4),
    peerPort: reader.u32(),
    clientPort: reader.u32(),
  };
  if (reader.ok && problem.message === undefined) {
    const why = membershipProblem([{ ...member, role: "voter" }]);
    if (why !== undefined) problem.fail(why);
  }
  return member;
}
