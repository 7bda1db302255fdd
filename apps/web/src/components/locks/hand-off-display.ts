/**
 * How a hand-off reads on the page: a lock is "acquired" and "force-released", an election's
 * candidate "became leader" and "resigned". Pure, unit-tested.
 */
import type { HandOff, HandOffKind } from "@keel/core";

export type HandOffVocabulary = "lock" | "election";

export interface HandOffLabel {
  readonly text: string;
  readonly color: string;
}

const LABELS: Readonly<Record<HandOffVocabulary, Readonly<Record<HandOffKind, HandOffLabel>>>> = {
  lock: {
    acquired: { text: "acquired", color: "teal" },
    released: { text: "released", color: "gray" },
    forceReleased: { text: "force-released", color: "red" },
    expired: { text: "session expired", color: "orange" },
    queued: { text: "queued", color: "blue" },
    withdrawn: { text: "left the queue", color: "gray" },
  },
  election: {
    acquired: { text: "became leader", color: "teal" },
    released: { text: "resigned", color: "gray" },
    forceReleased: { text: "removed by operator", color: "red" },
    expired: { text: "session expired", color: "orange" },
    queued: { text: "joined as candidate", color: "blue" },
    withdrawn: { text: "withdrew", color: "gray" },
  },
};

export function handOffLabel(kind: HandOffKind, vocabulary: HandOffVocabulary): HandOffLabel {
  return LABELS[vocabulary][kind];
}

/** Leadership changes only: who took over and how the previous leader went (no queue churn). */
export function isLeadershipChange(kind: HandOffKind): boolean {
  return kind !== "queued" && kind !== "withdrawn";
}

/**
 * When `node` was granted, by the newest "acquired" for it in `handOffs` (newest first); undefined
 * when the grant left the retained history (then the node's creation time is the best bound).
 */
export function grantedAtMs(handOffs: readonly HandOff[], node: string): number | undefined {
  return handOffs.find((handOff) => handOff.node === node && handOff.kind === "acquired")?.timeMs;
}
