/** The flat row list the virtualiser renders: what is expanded and loaded, depth first, bounded. */
import { describe, expect, it } from "vitest";
import { type ChildListing, visibleRows } from "./visible-rows";

const listings: Record<string, ChildListing> = {
  "/": { state: "loaded", children: [{ name: "a" }, { name: "b" }] },
  "/a": { state: "loaded", children: [{ name: "x" }] },
  "/b": { state: "loading" },
  "/a/x": { state: "loaded", children: [] },
};

function summary(expanded: string[], rowsMax = 1000) {
  return visibleRows("/", new Set(expanded), (path) => listings[path], rowsMax).map((row) =>
    row.type === "node"
      ? `${row.depth}:${row.path}${row.expanded ? "+" : ""}`
      : `${row.depth}:${row.type}(${row.path})`,
  );
}

describe("visibleRows", () => {
  it("shows only the root while nothing is expanded", () => {
    expect(summary([])).toEqual(["0:/"]);
  });

  it("lists expanded children depth first, with a loading placeholder and none for leaves", () => {
    expect(summary(["/", "/a", "/a/x", "/b"])).toEqual(["0:/+", "1:/a+", "2:/a/x+", "1:/b+", "2:loading(/b)"]);
  });

  it("says so when a filter leaves no child", () => {
    const rows = visibleRows("/", new Set(["/"]), () => ({ state: "loaded", children: [], filteredFrom: 5 }), 10);
    expect(rows.map((row) => row.type)).toEqual(["node", "empty"]);
  });

  it("ignores expanded nodes under a collapsed parent", () => {
    expect(summary(["/", "/a/x"])).toEqual(["0:/+", "1:/a", "1:/b"]);
  });

  it("stops at rowsMax", () => {
    expect(summary(["/", "/a"], 2)).toHaveLength(2);
  });

  it("lists 100,000 children without recursion trouble", () => {
    const children = Array.from({ length: 100_000 }, (_, index) => ({ name: `c${index}` }));
    const rows = visibleRows("/", new Set(["/"]), () => ({ state: "loaded", children }), 200_000);
    expect(rows).toHaveLength(100_001);
    expect(rows[100_000]).toMatchObject({ path: "/c99999", depth: 1 });
  });
});
