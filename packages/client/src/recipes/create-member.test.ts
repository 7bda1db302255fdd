// createMember when the ensemble cannot say whether our create applied: the node must not be left
// to queue (and later hold the lock or the leadership) for a caller that gave up. A fake client
// plays the ensemble: the create applies but its answer is lost, and the search that would find
// the node fails once, as it does while every member restarts.
import { describe, expect, it } from "vitest";
import type { KeelClient } from "../client.js";
import { BadVersionError, ConnectionLossError, NoNodeError, NotReadyError } from "../errors.js";
import { createMember } from "./common.js";

interface FakeNode {
  readonly data: string;
  readonly czxid: string;
}

function fakeEnsemble(searchFailures: number) {
  const nodes = new Map<string, FakeNode>();
  let searches = 0;
  const stat = (node: FakeNode) => ({ czxid: node.czxid, version: 0, ephemeralOwner: "7" });
  const keel = {
    sessionId: "7",
    state: { name: "connected" },
    async create(path: string, data: string) {
      nodes.set(`${path}0000000000`, { data, czxid: "42" });
      throw new ConnectionLossError("connection lost: the answer never came");
    },
    async childrenWithStats(dir: string) {
      searches += 1;
      if (searches <= searchFailures) throw new NotReadyError("no serving member within the deadline");
      const children = [...nodes].map(([path, node]) => ({ name: path.slice(dir.length + 1), stat: stat(node) }));
      return { children };
    },
    async get(path: string) {
      const node = nodes.get(path);
      if (!node) throw new Error(`no node ${path}`);
      return { data: node.data, stat: stat(node) };
    },
    async exists(path: string) {
      const node = nodes.get(path);
      return node ? stat(node) : null;
    },
    // deleteOwn's compare-and-delete: [check(path, czxid), delete(path)].
    async multi(ops: readonly { type: string; path: string; czxid?: string }[]) {
      const [check, remove] = ops;
      const node = check ? nodes.get(check.path) : undefined;
      if (!node) throw new NoNodeError(`no node ${check?.path}`);
      if (node.czxid !== check?.czxid) throw new BadVersionError(`${check?.path} is another node`);
      if (remove) nodes.delete(remove.path);
      return [];
    },
  };
  return { keel: keel as unknown as KeelClient, nodes };
}

const data = { clientId: "c", label: "l", host: "h", pid: 1, nonce: "n-1" };

describe("createMember with an unknown outcome", () => {
  it("finds its node by the nonce when the search answers", async () => {
    const { keel, nodes } = fakeEnsemble(0);
    const member = await createMember(keel, "/keel/locks/x", "lock-", data);
    expect(member).toEqual({ path: "/keel/locks/x/lock-0000000000", name: "lock-0000000000", czxid: "42" });
    expect(nodes.size).toBe(1);
  });

  it("withdraws the node in the background when the search fails, once the ensemble answers", async () => {
    const { keel, nodes } = fakeEnsemble(1);
    await expect(createMember(keel, "/keel/locks/x", "lock-", data)).rejects.toBeInstanceOf(NotReadyError);
    for (let i = 0; i < 50 && nodes.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(nodes.size).toBe(0);
  });
});
