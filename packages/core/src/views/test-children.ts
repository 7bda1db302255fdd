// Builders shared by the views' tests (excluded from the build as test-*.ts).
import type { RecipeChild } from "./contenders.js";

/** A queue node with a 10-digit sequence, owned by session `owner`, created at czxid 100+seq. */
export function child(name: string, owner = "7", data: string | undefined = undefined, ctime = 1000): RecipeChild {
  const sequence = /(\d+)$/.exec(name)?.[1];
  return {
    name,
    stat: { czxid: String(100 + Number(sequence ?? 0)), ctime, ephemeralOwner: owner },
    data,
  };
}

/** `lock-0000000003` from ("lock-", 3). */
export const seq = (prefix: string, sequence: number): string => `${prefix}${String(sequence).padStart(10, "0")}`;

/** Reverses a list: the views must sort by sequence, not trust the listing's order. */
export const shuffled = <T>(items: readonly T[]): T[] => [...items].reverse();

export const holderJson = (clientId: string, extra: object = {}): string =>
  JSON.stringify({ clientId, host: "h", pid: 7, nonce: "n", ...extra });
