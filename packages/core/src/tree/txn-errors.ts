/** Turning a KeelError into the error txn body that carries it through the log to the client. */
import type { KeelError } from "../errors.js";
import type { MultiOpCode, TxnBody } from "./txn.js";

export function errorBody(error: KeelError, opCodes: readonly MultiOpCode[]): TxnBody {
  // KeelError prefixes its message with the code; the txn stores the bare message so it round-trips.
  const prefix = `${error.code}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return { type: "error", code: error.code, message, path: error.path ?? "", opCodes };
}
