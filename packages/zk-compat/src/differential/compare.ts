/**
 * Pure: compares two normalised runs step by step. A step passes when both outcomes are deeply
 * equal, or when a documented difference for that step accepts the pair; anything else is a
 * mismatch carrying both sides, so a failure message shows exactly what each server said.
 */
import { isDeepStrictEqual } from "node:util";
import type { NormalStepResult, Outcome } from "./normalise.js";

export interface DocumentedDifference {
  /** The step id (script.ts) this difference applies to. */
  readonly step: string;
  /** Why the servers differ on purpose; the lead copies it into docs/zookeeper-compat.md. */
  readonly reason: string;
  /** True when `other` differs from `reference` exactly as documented (and in nothing else). */
  accepts(reference: Outcome, other: Outcome): boolean;
}

export interface StepMismatch {
  readonly step: string;
  readonly reference: Outcome;
  readonly other: Outcome;
}

export interface Comparison {
  readonly mismatches: readonly StepMismatch[];
  /** Documented differences that showed up, as documented. */
  readonly accepted: readonly string[];
  /** Documented differences whose step came out equal: the difference may be gone. */
  readonly unobserved: readonly string[];
}

export function compareRuns(
  reference: readonly NormalStepResult[],
  other: readonly NormalStepResult[],
  differences: readonly DocumentedDifference[],
): Comparison {
  if (reference.length !== other.length || reference.some((r, i) => r.step !== other[i]?.step)) {
    throw new Error("compareRuns: the runs answered different steps");
  }
  const byStep = new Map(differences.map((d) => [d.step, d]));
  const mismatches: StepMismatch[] = [];
  const accepted: string[] = [];
  const unobserved: string[] = [];
  reference.forEach((ref, index) => {
    const oth = other[index] as NormalStepResult;
    const difference = byStep.get(ref.step);
    if (isDeepStrictEqual(ref.outcome, oth.outcome)) {
      if (difference) unobserved.push(ref.step);
    } else if (difference?.accepts(ref.outcome, oth.outcome)) {
      accepted.push(ref.step);
    } else {
      mismatches.push({ step: ref.step, reference: ref.outcome, other: oth.outcome });
    }
  });
  return { mismatches, accepted, unobserved };
}

/** Human-readable mismatch list for an assertion message. */
export function formatMismatches(mismatches: readonly StepMismatch[], names: [string, string]): string {
  return mismatches
    .map(
      (m) =>
        `step "${m.step}"\n  ${names[0]}: ${JSON.stringify(m.reference)}\n  ${names[1]}: ${JSON.stringify(m.other)}`,
    )
    .join("\n");
}
