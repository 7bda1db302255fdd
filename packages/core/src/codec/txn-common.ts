/**
 * Encodings shared by the txn, request and snapshot codecs: ACL lists, origins, node kinds and
 * error codes. Readers validate as they go and report problems through `DecodeProblem`, so a
 * decoder can return one typed MARSHALLINGERROR instead of throwing on bad bytes.
 */
import { ERROR_CODES, errorCodeFromNumber, type KeelErrorCode } from "../errors.js";
import { ACL_ENTRIES_MAX, ACL_ID_BYTES_MAX, PATH_BYTES_MAX } from "../limits.js";
import type { Acl, AclEntry } from "../tree/acl.js";
import type { MultiOpCode, Origin } from "../tree/txn.js";
import type { CreateMode, NodeKind } from "../tree/znode.js";
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
