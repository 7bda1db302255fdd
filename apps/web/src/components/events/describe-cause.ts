/** Why a node went, in an operator's words (the audit feed's delete causes). */
import type { DeleteCauseView } from "@keel/api";
import { formatSessionId } from "../../lib/format";

export function describeCause(cause: DeleteCauseView): string {
  switch (cause.kind) {
    case "delete":
      return `deleted by session ${formatSessionId(cause.sessionId)}`;
    case "forceRelease":
      return `force-released by session ${formatSessionId(cause.sessionId)}: ${cause.reason}`;
    case "sessionExpired":
      return `owner session ${formatSessionId(cause.sessionId)} expired`;
    case "sessionClosed":
      return `owner session ${formatSessionId(cause.sessionId)} closed`;
    case "ttlExpired":
      return "TTL expired";
    case "containerEmpty":
      return "container emptied";
    default:
      return unreachable(cause);
  }
}

function unreachable(value: never): never {
  throw new Error(`unknown delete cause ${JSON.stringify(value)}`);
}
