/** Holder metadata parsing: the documented JSON, wrong-typed fields dropped, anything else undefined. */
import { describe, expect, it } from "vitest";
import { parseHolderMetadata } from "./holder-metadata.js";
import { holderJson } from "./test-children.js";

describe("parseHolderMetadata", () => {
  it.each([
    [
      holderJson("c1", { label: "db", acquiredAt: 5 }),
      { clientId: "c1", host: "h", pid: 7, label: "db", acquiredAt: 5 },
    ],
    // the nonce and unknown fields are not shown; wrong-typed ones are dropped one by one
    [JSON.stringify({ clientId: 3, host: "h", pid: "7", other: true }), { host: "h" }],
    [JSON.stringify({}), {}],
    [JSON.stringify({ clientId: "c", permits: 4 }), { clientId: "c", permits: 4 }],
    ["not json", undefined],
    ["[1,2]", undefined],
    ["null", undefined],
    ['"a string"', undefined],
    ["", undefined],
    [undefined, undefined],
  ])("%s", (data, expected) => {
    expect(parseHolderMetadata(data)).toEqual(expected);
  });
});
