// Checks the compact data form: every byte value and size survives store → load, small values
// come back as fresh copies (a caller mutating one cannot change the node), and the node reports
// its data length without copying.
import { describe, expect, it } from "vitest";
import { SESSION_NONE, ZXID_ZERO } from "../ids.js";
import { OPEN_ACL_UNSAFE } from "./acl.js";
import { Znode } from "./znode.js";
import { INLINE_DATA_BYTES_MAX, loadData, storeData } from "./znode-data.js";

const sized = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 131 + 7) & 0xff);

describe("znode data", () => {
  it.each([0, 1, 255, INLINE_DATA_BYTES_MAX, INLINE_DATA_BYTES_MAX + 1, 70_000])("round-trips %i bytes", (length) => {
    const bytes = sized(length);
    const stored = storeData(bytes);
    expect(typeof stored === "string").toBe(length <= INLINE_DATA_BYTES_MAX);
    expect([...loadData(stored)]).toEqual([...bytes]);
  });

  it("keeps every byte value 0..255", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect([...loadData(storeData(bytes))]).toEqual([...bytes]);
  });

  it("never keeps the caller's array, and hands out copies of small values", () => {
    for (const length of [10, INLINE_DATA_BYTES_MAX + 10]) {
      const bytes = sized(length);
      const node = new Znode(bytes, OPEN_ACL_UNSAFE, "persistent", SESSION_NONE, 0, ZXID_ZERO, 0);
      bytes[0] = (bytes[0] as number) ^ 0xff; // the creator reuses its buffer
      expect(node.data[0]).toBe(sized(length)[0]);
      expect(node.dataLength).toBe(length);
      expect(node.stat().dataLength).toBe(length);
    }
    const small = new Znode(sized(10), OPEN_ACL_UNSAFE, "persistent", SESSION_NONE, 0, ZXID_ZERO, 0);
    const read = small.data;
    read[1] = 0;
    expect(small.data[1]).toBe(sized(10)[1]);
  });

  it("copies a node's fields without its children", () => {
    const node = new Znode(sized(5), OPEN_ACL_UNSAFE, "persistent", SESSION_NONE, 0, 7n as never, 100);
    node.version = 3;
    node.mtime = 200;
    node.children = new Set(["x"]);
    const copy = node.copyFields();
    expect(copy.stat()).toEqual({ ...node.stat(), numChildren: 0 });
    expect([...copy.data]).toEqual([...node.data]);
    expect(copy.children).toBeNull();
  });
});
