/**
 * The recipes' paths and node names: the sequential-name parser, the path classifier, and the
 * constants checked against docs/client.md (the contract) and the SDK's RECIPE_ROOTS, read as text.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRecipeNodePath, parseSequential, QUEUE_RECIPES, RECIPE_ROOTS } from "./recipe-paths.js";

const repoFile = (path: string): string => readFileSync(new URL(`../../../../${path}`, import.meta.url), "utf8");

describe("parseSequential", () => {
  it.each([
    ["lock-0000000042", { prefix: "lock-", sequence: 42 }],
    ["read-0000000001", { prefix: "read-", sequence: 1 }],
    ["_c_abc-lock-0000000003", { prefix: "_c_abc-lock-", sequence: 3 }],
    ["0000000005", undefined], // no prefix: as the SDK, a name must be longer than its digits
    ["lock-42", undefined],
    ["lock-00000000x2", undefined],
    ["stray", undefined],
  ])("%s", (name, expected) => {
    expect(parseSequential(name)).toEqual(expected);
  });
});

describe("parseRecipeNodePath", () => {
  it.each([
    ["/keel/locks/jobs/lock-0000000001", { recipe: "lock", name: "jobs", child: "lock-0000000001" }],
    ["/keel/rwlocks/cat/write-0000000002", { recipe: "rwlock", name: "cat", child: "write-0000000002" }],
    ["/keel/semaphores/gpu/lease-0000000003", { recipe: "semaphore", name: "gpu", child: "lease-0000000003" }],
    ["/keel/elections/s/candidate-0000000004", { recipe: "election", name: "s", child: "candidate-0000000004" }],
    ["/keel/locks/jobs", undefined], // the instance itself, not a queue node
    ["/keel/locks/jobs/a/b", undefined],
    ["/keel/queues/q/item-0000000001", undefined],
    ["/keel/locksmith/x/lock-0000000001", undefined],
  ])("%s", (path, expected) => {
    expect(parseRecipeNodePath(path)).toEqual(expected);
  });
});

describe("the constants follow the contract", () => {
  const docs = repoFile("docs/client.md");
  const sdk = repoFile("packages/client/src/recipes/common.ts");

  it.each(Object.entries(RECIPE_ROOTS))("%s lives at %s in docs/client.md and the SDK", (key, root) => {
    expect(docs).toContain(`\`${root}/<name>`);
    expect(sdk).toContain(`${key}: "${root}"`);
  });

  it.each(Object.entries(QUEUE_RECIPES))("%s's queue nodes are named as docs/client.md says", (_recipe, queue) => {
    const row = docs.split("\n").find((line) => line.includes(`\`${queue.root}/<name>/`));
    for (const prefix of queue.prefixes) expect(row).toContain(`${prefix}<seq>`);
  });
});
