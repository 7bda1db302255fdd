// Checks what a replica remembers of a leader's session deadlines and what a new leader inherits:
// time left is turned into this replica's clock and back, a restart (no complete memory) spoils
// the inheritance, and the latest deadline any member knew wins (docs/protocol.md §3.5).
import { describe, expect, it } from "vitest";
import type { SessionId } from "../ids.js";
import { DeadlineMemory, InheritedDeadlines, SESSION_GONE } from "./session-deadlines.js";

const id = (n: number) => BigInt(n) as SessionId;

describe("DeadlineMemory", () => {
  it("knows nothing to report until a full table arrived", () => {
    const memory = new DeadlineMemory();
    memory.apply([{ session: id(1), remainingMs: 500 }], 1000);
    expect(memory.report(1000)).toBeUndefined();
    memory.replace([{ session: id(2), remainingMs: 800 }], 1000);
    expect(memory.report(1300)).toEqual([{ session: id(2), remainingMs: 500 }]);
  });

  it("applies changes on its own clock, forgets sessions gone, and never reports negative time", () => {
    const memory = new DeadlineMemory();
    memory.replace(
      [
        { session: id(1), remainingMs: 1000 },
        { session: id(2), remainingMs: 1000 },
      ],
      0,
    );
    memory.apply(
      [
        { session: id(1), remainingMs: 3000 },
        { session: id(2), remainingMs: SESSION_GONE },
        { session: id(3), remainingMs: 100 },
      ],
      500,
    );
    expect(memory.report(1000)).toEqual([
      { session: id(1), remainingMs: 2500 },
      { session: id(3), remainingMs: 0 },
    ]);
  });
});

describe("InheritedDeadlines", () => {
  it("keeps the latest deadline any report gave, on the receiver's clock", () => {
    const inherited = new InheritedDeadlines();
    inherited.add([{ session: id(1), remainingMs: 100 }], 1000);
    inherited.add(
      [
        { session: id(1), remainingMs: 400 },
        { session: id(2), remainingMs: 0 },
      ],
      1050,
    );
    inherited.add([{ session: id(1), remainingMs: 200 }], 1100);
    expect(inherited.inherited()).toEqual(
      new Map([
        [id(1), 1450],
        [id(2), 1050],
      ]),
    );
  });

  it("gives up on all of them when one member of the quorum remembers nothing", () => {
    const inherited = new InheritedDeadlines();
    inherited.add([{ session: id(1), remainingMs: 400 }], 1000);
    inherited.add(undefined, 1000);
    expect(inherited.inherited()).toBeUndefined();
  });
});
