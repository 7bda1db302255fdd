/** parseDelayedOptions: defaults, the delay list, and what it rejects (pure, table-driven). */
import { describe, expect, it } from "vitest";
import { delayedDefaultWorkloads, parseDelayedOptions } from "./delayed-options.js";

const known = [...delayedDefaultWorkloads, "failover-stop"];

describe("parseDelayedOptions", () => {
  it("defaults to delays 0, 5 and 20 ms, the default workloads, 3 repeats, clients from member 1", () => {
    expect(parseDelayedOptions([], known)).toMatchObject({
      quick: false,
      repeats: 3,
      peerDelaysMs: [0, 5, 20],
      workloads: delayedDefaultWorkloads,
      firstClient: "member1",
    });
    expect(parseDelayedOptions(["--first-client", "leader"], known).firstClient).toBe("leader");
  });

  it.each([
    [
      ["--peer-delay-ms", "5,20"],
      [5, 20],
    ],
    [
      ["--peer-delay-ms", " 20 , 0 "],
      [20, 0],
    ],
    [["--peer-delay-ms=100"], [100]],
  ])("%j measures delays %j in that order", (argv, delays) => {
    expect(parseDelayedOptions(argv, known).peerDelaysMs).toEqual(delays);
  });

  it("quick means one repeat unless told otherwise", () => {
    expect(parseDelayedOptions(["--quick"], known).repeats).toBe(1);
    expect(parseDelayedOptions(["--quick", "--repeats", "2"], known).repeats).toBe(2);
  });

  it.each([
    [["--peer-delay-ms", "-5"], /--peer-delay-ms/],
    [["--peer-delay-ms", "2.5"], /--peer-delay-ms/],
    [["--peer-delay-ms", "101"], /--peer-delay-ms/],
    [["--peer-delay-ms", ","], /--peer-delay-ms/],
    [["--peer-delay-ms", "5,5"], /twice/],
    [["--workloads", "lock"], /unknown workload/],
    [["--repeats", "0"], /--repeats/],
    [["--first-client", "follower"], /--first-client/],
    [["--systems", "keel"], /Unknown option/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseDelayedOptions(argv, known)).toThrow(message);
  });
});
