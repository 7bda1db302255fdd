/** A checker verdict as a short report: the message, the end of the linearizable prefix, the rest. */
import { formatHistory, formatOperation, formatState } from "./format-history.js";
import type { RegisterCheckResult } from "./register-checker.js";

/** Prefix steps shown before the failing operation; the full prefix stays in the result. */
const prefixTailShown = 8;
/** Unknown-outcome operations stay concurrent forever; the latest ones are the likely suspects. */
const concurrentShown = 12;

export function formatRegisterCheckResult(result: RegisterCheckResult): string {
  switch (result.type) {
    case "valid":
      return `linearizable: ${result.keys} keys, ${result.operations} operations (${result.operationsChecked} placed)`;
    case "unknown":
      return `unknown: ${result.reason} on key ${result.key} (${result.keys} keys, ${result.operations} operations)`;
    case "invalid": {
      const tail = result.prefix.slice(-prefixTailShown);
      const hidden = result.prefix.length - tail.length;
      const prefixLines = tail.map((step) => `  ${formatOperation(step.operation)}  ⇒ ${formatState(step.stateAfter)}`);
      if (hidden > 0) prefixLines.unshift(`  … ${hidden} earlier linearized operations`);
      if (prefixLines.length === 0) prefixLines.push("  (none: it fails from the initial state)");
      const concurrent =
        result.concurrent.length === 0 ? "  (none)" : formatHistory(result.concurrent, { limit: concurrentShown });
      const others =
        result.invalidKeys.length > 1 ? `\nother invalid keys: ${result.invalidKeys.slice(1).join(", ")}` : "";
      return (
        [
          `NOT linearizable on key ${result.key}: ${result.message}`,
          `longest linearizable prefix (${result.prefix.length} operations, last shown):`,
          ...prefixLines,
          "could not linearize:",
          `  ${formatOperation(result.operation)}`,
          "concurrent with it:",
          concurrent,
        ].join("\n") + others
      );
    }
    default:
      return JSON.stringify(result);
  }
}
