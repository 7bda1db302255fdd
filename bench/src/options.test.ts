import { describe, expect, it } from "vitest";
import { parseOptions } from "./options.js";

const known = ["seq-write", "lock"];

describe("parseOptions", () => {
  it("defaults to every system, 3 repeats, full mode", () => {
    expect(parseOptions([], known)).toMatchObject({
      quick: false,
      repeats: 3,
      systems: ["keel", "zookeeper", "etcd"],
      workloads: [],
    });
  });

  it("quick means one repeat unless told otherwise", () => {
    expect(parseOptions(["--quick"], known).repeats).toBe(1);
    expect(parseOptions(["--quick", "--repeats", "2"], known).repeats).toBe(2);
  });

  it("keeps the systems in table order whatever order they are given in", () => {
    expect(parseOptions(["--systems", "etcd,keel"], known).systems).toEqual(["keel", "etcd"]);
  });

  it("rejects unknown systems, workloads and bad repeat counts", () => {
    expect(() => parseOptions(["--systems", "consul"], known)).toThrow(/unknown system/);
    expect(() => parseOptions(["--workloads", "nope"], known)).toThrow(/unknown workload/);
    expect(() => parseOptions(["--repeats", "0"], known)).toThrow(/--repeats/);
    expect(() => parseOptions(["--bogus"], known)).toThrow();
  });
});
