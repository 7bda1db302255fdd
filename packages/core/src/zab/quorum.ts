/** Majority math (docs/protocol.md §1): a quorum is a strict majority of voters; observers never count. */
import type { PeerId } from "../ids.js";

export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

/** True when `members` holds a strict majority of `voters` (non-voters in `members` are ignored). */
export function isQuorum(voters: readonly PeerId[], members: Iterable<PeerId>): boolean {
  let count = 0;
  for (const member of new Set(members)) if (voters.includes(member)) count++;
  return count >= quorumSize(voters.length);
}

/**
 * The largest value v such that a quorum of voters reported a value >= v (etcd's committed index).
 * `reported` returns undefined for voters that reported nothing.
 */
export function quorumMin(
  voters: readonly PeerId[],
  reported: (peer: PeerId) => bigint | undefined,
): bigint | undefined {
  const values: bigint[] = [];
  for (const voter of voters) {
    const value = reported(voter);
    if (value !== undefined) values.push(value);
  }
  const needed = quorumSize(voters.length);
  if (values.length < needed) return undefined;
  values.sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  return values[needed - 1];
}
