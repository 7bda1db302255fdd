/** Small zxid helpers the protocol needs (ids.ts has the rest). `Math.min` does not take bigints. */
import type { Zxid } from "../ids.js";

export function minZxid(a: Zxid, b: Zxid): Zxid {
  return a < b ? a : b;
}
