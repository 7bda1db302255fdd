/** Following `node.children` pages: every page in order, one call for a short listing, and a bound. */
import { describe, expect, it } from "vitest";
import { followChildPages } from "./all-children";

/** A fake server listing `names` in pages of `size`, recording the `after` of each call. */
function pagedListing(names: readonly string[], size: number) {
  const calls: (string | undefined)[] = [];
  const fetchPage = async (after: string | undefined) => {
    calls.push(after);
    const rest = after === undefined ? names : names.filter((name) => name > after);
    const page = rest.slice(0, size);
    return { children: page, nextAfter: rest.length > size ? (page.at(-1) ?? null) : null };
  };
  return { calls, fetchPage };
}

const names = (count: number) => Array.from({ length: count }, (_, i) => `child-${String(i).padStart(6, "0")}`);

describe("followChildPages", () => {
  it.each([
    [0, 10, 1],
    [7, 10, 1],
    [10, 10, 1],
    [11, 10, 2],
    [25, 10, 3],
  ])("%i children in pages of %i: %i calls, all children in order", async (count, size, calls) => {
    const listing = pagedListing(names(count), size);
    const result = await followChildPages(listing.fetchPage);
    expect(result.children).toEqual(names(count));
    expect(result.nextAfter).toBeNull();
    expect(listing.calls).toHaveLength(calls);
  });

  it("continues after the last name of each page", async () => {
    const listing = pagedListing(names(5), 2);
    await followChildPages(listing.fetchPage);
    expect(listing.calls).toEqual([undefined, "child-000001", "child-000003"]);
  });

  it("stops with an error past the page bound", async () => {
    const listing = pagedListing(names(30), 10);
    await expect(followChildPages(listing.fetchPage, 2)).rejects.toThrow("more than 2 pages");
  });
});
