/**
 * Typed failures the world causes (a disk that lies, a data dir from another ensemble, an
 * operator pointing restore at a live store). Bugs in the caller are `assert()`s instead
 * (style rule 5). `reason` is stable for callers and tests; `message` is for humans.
 */
import { KeelError } from "@keel/core";

export type StoreErrorReason =
  /** The data dir belongs to another ensemble. */
  | "ENSEMBLE_MISMATCH"
  /** The data dir belongs to another server of this ensemble. */
  | "SERVER_ID_MISMATCH"
  /** Written by a newer (or unknown) Keel storage format. */
  | "FORMAT_VERSION"
  /** Checksums, epochs or the log/snapshot structure do not add up and cannot be repaired safely. */
  | "INCONSISTENT"
  /** A read found a row whose checksum does not match (bit rot after start). */
  | "CORRUPT"
  /** Another process (another replica?) has the store open. */
  | "LOCKED"
  /** Restore or backup would overwrite an existing file or store. */
  | "EXISTS"
  /** Input that the store refuses (a bad option, a file that is not a Keel store). */
  | "BAD_INPUT";

export class StoreError extends KeelError {
  readonly reason: StoreErrorReason;

  constructor(reason: StoreErrorReason, message: string) {
    super(
      reason === "BAD_INPUT" || reason === "EXISTS" ? "BADARGUMENTS" : "DATAINCONSISTENCY",
      `${reason}: ${message}`,
    );
    this.reason = reason;
  }
}

export function isStoreError(value: unknown, reason?: StoreErrorReason): value is StoreError {
  return value instanceof StoreError && (reason === undefined || value.reason === reason);
}
