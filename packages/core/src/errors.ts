/**
 * Errors the world can cause (bad input, ZooKeeper-style outcomes). Core returns them as values,
 * never throws them across its boundary (style rule 5). Codes and numbers are ZooKeeper's
 * KeeperException.Code (docs/data-model.md §3), so later wire clients map one to one.
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
