// Checks node.find on a real KeelState: name prefix, data substring, both, neither, the match
// limit and the scan bound (both set `truncated`), sorted results, and NONODE for a missing root.
import { KeelError, KeelState, OPEN_ACL_UNSAFE, SESSION_NONE, type Zxid } from "@keel/core";
import { describe, expect, it } from "vitest";
import { findNodes } from "./find-nodes.js";

function stateWith(nodes: Record<string, string>): KeelState {
  const state = new KeelState();
  let counter = 1;
  for (const [path, data] of Object.entries(nodes)) {
    state.applyTxn(
      {
        header: { sessionId: SESSION_NONE, cxid: 0, origin: { peer: 0, requestId: 0 }, timeMs: 0 },
        body: {
          type: "create",
          path,
          data: new TextEncoder().encode(data),
          acl: OPEN_ACL_UNSAFE,
          kind: "persistent",
          ttlMs: 0,
        },
      },
      BigInt(counter++) as Zxid,
    );
  }
  return state;
}

const state = stateWith({
  "/f": "",
  "/f/a1": "hello",
  "/f/a2": "world",
  "/f/b": "",
  "/f/b/a3": "hello world",
  "/f/c": "nope",
  "/f-x": "hello",
});
const paths = (result: ReturnType<typeof findNodes>) => result.matches.map((m) => m.path);

describe("findNodes", () => {
  it.each([
    { what: "by name prefix", query: { namePrefix: "a" }, expected: ["/f/a1", "/f/a2", "/f/b/a3"] },
    { what: "by data", query: { contains: "hello" }, expected: ["/f/a1", "/f/b/a3"] },
    { what: "by both", query: { namePrefix: "a", contains: "world" }, expected: ["/f/a2", "/f/b/a3"] },
    { what: "with neither", query: {}, expected: ["/f", "/f/a1", "/f/a2", "/f/b", "/f/b/a3", "/f/c"] },
  ])("finds $what, sorted by path, under the path only", ({ query, expected }) => {
    const result = findNodes(state, { path: "/f", limit: 100, ...query }, 1000);
    expect(paths(result)).toEqual(expected);
    expect(result).toMatchObject({ scanned: 6, truncated: false });
  });

  it("stops at `limit` matches and says so", () => {
    const result = findNodes(state, { path: "/f", limit: 2 }, 1000);
    expect(result.matches).toHaveLength(2);
    expect(result.truncated).toBe(true);
  });

  it("visits at most `scanMax` nodes and says so", () => {
    const result = findNodes(state, { path: "/f", limit: 100, contains: "hello" }, 3);
    expect(result.scanned).toBe(3);
    expect(result.truncated).toBe(true);
    expect(paths(result)).toEqual(["/f/a1"]); // visited /f, /f/a1, /f/a2
  });

  it("throws NONODE for a missing path", () => {
    expect(() => findNodes(state, { path: "/missing", limit: 1 }, 10)).toThrow(KeelError);
  });
});
