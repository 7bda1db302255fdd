/**
 * All-or-nothing multi (docs/data-model.md §3, multi): ops are prepared in order against a scratch
 * overlay, so later ops see earlier ones (create then setData works). On the first failure the
 * scratch is dropped and the multi becomes an error txn with one code per op: OK for the ops
 * before (rolled back), the failing op's own code, RUNTIMEINCONSISTENCY for the ops after.
 */
import { isKeelError, keelError } from "../errors.js";
import { MULTI_OPS_MAX } from "../limits.js";
import { ChangeOverlay, type PendingChanges } from "./pending-changes.js";
import { type OpContext, prepareOp } from "./prepare-ops.js";
import type { MultiOpRequest } from "./request.js";
import type { MultiOpCode, TxnBody, TxnOp } from "./txn.js";
import { errorBody } from "./txn-errors.js";

export function prepareMulti(
  ops: readonly MultiOpRequest[],
  pending: PendingChanges,
  ctx: Omit<OpContext, "nodes">,
): TxnBody {
  if (ops.length > MULTI_OPS_MAX) {
    return errorBody(keelError("BADARGUMENTS", `multi has ${ops.length} ops, more than ${MULTI_OPS_MAX}`), []);
  }
  const scratch = new ChangeOverlay(pending);
  const opContext: OpContext = { ...ctx, nodes: scratch };
  const txnOps: TxnOp[] = [];
  for (let index = 0; index < ops.length; index++) {
    const op = ops[index] as MultiOpRequest;
    const prepared = prepareOp(op, opContext);
    if (isKeelError(prepared)) {
      const codes: MultiOpCode[] = ops.map((_, i) =>
        i < index ? "OK" : i === index ? prepared.code : "RUNTIMEINCONSISTENCY",
      );
      return errorBody(prepared, codes);
    }
    txnOps.push(prepared);
  }
  pending.merge(scratch);
  return { type: "multi", ops: txnOps };
}
