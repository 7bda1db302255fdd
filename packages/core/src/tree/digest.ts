/**
 * A hash of the replicated state, equal on every replica that applied the same log: CRC-32C and
 * FNV-1a (32 bits each, together 64) over the canonical snapshot bytes. Computed on demand (it
 * walks the whole tree), for determinism tests and replica comparison, not per txn.
 */
import { crc32c } from "../codec/crc32c.js";
import { snapshotChunks } from "../codec/snapshot-codec.js";
import type { DataTree } from "./data-tree.js";

export function treeDigest(tree: DataTree): string {
  let crc = 0;
  let fnv = 0x811c9dc5;
  for (const chunk of snapshotChunks(tree)) {
    crc = crc32c(chunk, crc);
    for (let i = 0; i < chunk.length; i++) fnv = Math.imul(fnv ^ (chunk[i] as number), 0x01000193) >>> 0;
  }
  return crc.toString(16).padStart(8, "0") + fnv.toString(16).padStart(8, "0");
}
