/** Live events under a recipe root refetch the instance list or exactly one instance. */
import { describe, expect, it } from "vitest";
import { recipeEventTarget } from "./recipe-paths";

describe("recipeEventTarget", () => {
  it.each([
    ["/keel/locks", { type: "instances" }],
    ["/keel/locks/orders", { type: "instances" }],
    ["/keel/locks/orders/lock-0000000003", { type: "instance", name: "orders" }],
    ["/keel/lockset/x", { type: "outside" }],
    ["/keel/rwlocks/orders/read-0000000001", { type: "outside" }],
  ] as const)("%s → %o", (path, expected) => {
    expect(recipeEventTarget("/keel/locks", path)).toEqual(expected);
  });
});
