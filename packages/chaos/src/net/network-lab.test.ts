/**
 * The lab's faults cut exactly the member links they name, and never the root namespace's access.
 * A probe connects from one namespace to a closed port on another member: "connection refused"
 * means the packets got there and back (reachable); any other failure (EPERM from an OUTPUT drop,
 * a timeout from an INPUT drop) means the link is cut. Each row applies one fault to a fresh heal.
 */
import { execFile } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { NetworkLab } from "./network-lab.js";

const lab = NetworkLab.create({ members: 3, tag: `kcl${process.pid % 1000}` });
const closedPort = 9;
const pairs: readonly (readonly [number, number])[] = [
  [1, 2],
  [2, 1],
  [1, 3],
  [3, 1],
  [2, 3],
  [3, 2],
];

afterAll(async () => {
  await lab.destroy();
  expect(lab.leftovers()).toEqual([]);
});

/** True when a TCP connect to `host` from `argvPrefix`'s namespace is answered (refused counts). */
function reaches(argvPrefix: readonly string[], host: string): Promise<boolean> {
  const script = `exec 3<>/dev/tcp/${host}/${closedPort}`;
  const [command, ...args] = [...argvPrefix, "timeout", "2", "bash", "-c", script];
  return new Promise((resolve) => {
    execFile(command as string, args, (_error, _stdout, stderr) => resolve(stderr.includes("Connection refused")));
  });
}

async function cutPairs(): Promise<string[]> {
  const reached = await Promise.all(pairs.map(([from, to]) => reaches(lab.exec(from, []), lab.addressOf(to))));
  return pairs.filter((_, index) => !reached[index]).map(([from, to]) => `${from}->${to}`);
}

const rows: readonly { fault: string; apply: () => void; cut: readonly string[] }[] = [
  { fault: "none", apply: () => {}, cut: [] },
  { fault: "isolate(1)", apply: () => lab.isolate(1), cut: ["1->2", "2->1", "1->3", "3->1"] },
  {
    fault: "partition([[1, 2], [3]])",
    apply: () => lab.partition([[1, 2], [3]]),
    cut: ["1->3", "3->1", "2->3", "3->2"],
  },
  { fault: "bridgePartition(1, 3)", apply: () => lab.bridgePartition(1, 3), cut: ["1->3", "3->1"] },
  { fault: "loss(2, 100)", apply: () => lab.loss(2, 100), cut: ["1->2", "2->1", "2->3", "3->2"] },
];

describe("NetworkLab faults", () => {
  it.each(rows)("$fault cuts exactly its member links; the root namespace reaches everyone", async ({ apply, cut }) => {
    lab.heal();
    apply();
    expect(await cutPairs()).toEqual(cut);
    for (const id of [1, 2, 3]) expect(await reaches([], lab.addressOf(id))).toBe(true);
    lab.heal();
    expect(await cutPairs()).toEqual([]);
  });

  it("a second partition replaces the first", async () => {
    lab.isolate(1);
    lab.bridgePartition(2, 3);
    expect(await cutPairs()).toEqual(["2->3", "3->2"]);
    lab.heal();
  });
});
