/**
 * Errors the world can cause (bad input, ZooKeeper-style outcomes). Core returns them as values,
 * never throws them across its boundary (style rule 5). Codes and numbers are ZooKeeper's
 * KeeperException.Code (docs/errors.md), so later wire clients map one to one, plus Keel's own
 * codes below -1000, outside every range ZooKeeper uses (system -1..-99, API -100..-199).
 */
export const ERROR_CODES = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
  /**
   * Keel's own: the request was refused before it entered the write pipeline (no leader, this
   * server is not in a quorum or is behind the client), so it was not applied and is safe to
   * retry. ZooKeeper answers these cases with CONNECTIONLOSS; see zookeeperWireCode.
   */
  NOTREADY: -1001,
} as const;

export type KeelErrorCode = Exclude<keyof typeof ERROR_CODES, "OK">;
export type WireErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

const CODES_BY_NUMBER = new Map<number, KeelErrorCode>(
  (Object.entries(ERROR_CODES) as [keyof typeof ERROR_CODES, number][])
    .filter((entry): entry is [KeelErrorCode, number] => entry[0] !== "OK")
    .map(([name, value]) => [value, name]),
);

export function errorCodeFromNumber(value: number): KeelErrorCode | undefined {
  return CODES_BY_NUMBER.get(value);
}

/**
 * What a caller may do after a failed write, by code (docs/errors.md):
 * - `safe`: the request was not applied; retry it (after `Retry-After` when the server sends one).
 * - `unknown`: the request may or may not have been applied; read the state before retrying.
 * - `final`: retrying the same request gets the same answer; fix the request or the state first.
 */
export type RetryRule = "safe" | "unknown" | "final";

const SAFE_TO_RETRY: ReadonlySet<KeelErrorCode> = new Set<KeelErrorCode>(["NOTREADY", "THROTTLEDOP"]);
const OUTCOME_UNKNOWN: ReadonlySet<KeelErrorCode> = new Set<KeelErrorCode>([
  "CONNECTIONLOSS",
  "OPERATIONTIMEOUT",
  "REQUESTTIMEOUT",
  "SYSTEMERROR",
]);

export function retryRuleOf(code: KeelErrorCode): RetryRule {
  if (SAFE_TO_RETRY.has(code)) return "safe";
  if (OUTCOME_UNKNOWN.has(code)) return "unknown";
  return "final";
}

/**
 * The number a ZooKeeper-wire front end sends for `code`. ZooKeeper clients know nothing of
 * Keel's own codes, so NOTREADY goes out as CONNECTIONLOSS: a ZooKeeper client then treats the
 * request as possibly applied, which is conservative (it reads before retrying) and never wrong.
 */
export function zookeeperWireCode(code: KeelErrorCode): number {
  return code === "NOTREADY" ? ERROR_CODES.CONNECTIONLOSS : ERROR_CODES[code];
}

/** A typed, named failure: `code` is ZooKeeper's name, `wireCode` its number, `path` when one is involved. */
export class KeelError extends Error {
  override readonly name = "KeelError";
  readonly code: KeelErrorCode;
  readonly wireCode: number;
  readonly path: string | undefined;

  constructor(code: KeelErrorCode, message: string, path?: string) {
    super(`${code}: ${message}`);
    this.code = code;
    this.wireCode = ERROR_CODES[code];
    this.path = path;
  }
}

export function keelError(code: KeelErrorCode, message: string, path?: string): KeelError {
  return new KeelError(code, message, path);
}

export function isKeelError(value: unknown): value is KeelError {
  return value instanceof KeelError;
}
