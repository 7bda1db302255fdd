/**
 * Randomness comes in from outside (style rule 1): the server passes a crypto-seeded source, the
 * simulator a seeded PRNG, so a failing simulator seed replays exactly.
 */
export interface Random {
  /** A uniformly distributed integer in [0, bound). */
  int(bound: number): number;
}
