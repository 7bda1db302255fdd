// The rules of `keel rolling-restart` as tables: when the ensemble is fit to start, the order
// (leader last), and when a restarted member counts as back.
import type { MemberStatusView } from "@keel/api";
import { describe, expect, it } from "vitest";
import type { MemberProbe } from "./member-probes.js";
import {
  CAUGHT_UP_LAG_MAX,
  restartCommandFor,
  restartedAndInSync,
  restartOrder,
  unhealthyReason,
} from "./rolling-restart-plan.js";

const zxid = (counter: number) => String((5n << 32n) | BigInt(counter));

function probe(id: number, role: string, applied = 100, overrides: Partial<MemberStatusView> = {}): MemberProbe {
  const status = { role, ready: true, lastAppliedZxid: zxid(applied), startedAtMs: 1000, ...overrides };
  return { id, url: `http://127.0.0.1:800${id}`, status: status as MemberStatusView };
}
const down = (id: number): MemberProbe => ({ id, url: `http://127.0.0.1:800${id}`, status: undefined });

const healthy = [probe(1, "following"), probe(2, "leading"), probe(3, "following")];

describe("unhealthyReason", () => {
  const cases: [string, MemberProbe[], string | undefined][] = [
    ["every member ready and caught up", healthy, undefined],
    ["a member down", [probe(1, "following"), probe(2, "leading"), down(3)], "member 3 did not answer"],
    ["no leader", [probe(1, "looking"), probe(2, "looking"), probe(3, "looking")], "0 members say they lead"],
    [
      "a member not ready",
      [probe(1, "following", 100, { ready: false }), probe(2, "leading"), probe(3, "following")],
      "member 1 is not ready",
    ],
    [
      "a member a few txns behind (a write load keeps some in flight)",
      [probe(1, "following", 97), probe(2, "leading"), probe(3, "following")],
      undefined,
    ],
    [
      "a member far behind",
      [probe(1, "following", 5000 - CAUGHT_UP_LAG_MAX - 1), probe(2, "leading", 5000), probe(3, "following", 5000)],
      `member 1 is ${CAUGHT_UP_LAG_MAX + 1} txns behind`,
    ],
  ];
  for (const [name, probes, reason] of cases) {
    it(name, () => {
      const found = unhealthyReason(probes);
      if (reason === undefined) expect(found).toBeUndefined();
      else expect(found).toContain(reason);
    });
  }
});

describe("restart order and progress", () => {
  it("restarts the other members by id and the leader last", () => {
    expect(restartOrder([probe(3, "following"), probe(1, "leading"), probe(2, "following")]).map((p) => p.id)).toEqual([
      2, 3, 1,
    ]);
  });

  it("counts a member back only once its start time changed and the ensemble is whole again", () => {
    // The restart command returned, but the member is the same process: not yet.
    expect(restartedAndInSync(1, 1000, healthy)).toBe(false);
    const restarted = [probe(1, "following", 100, { startedAtMs: 5000 }), probe(2, "leading"), probe(3, "following")];
    expect(restartedAndInSync(1, 1000, restarted)).toBe(true);
    // Back, but still syncing.
    const behind = [
      probe(1, "following", 90, { startedAtMs: 5000, ready: false }),
      probe(2, "leading"),
      probe(3, "following"),
    ];
    expect(restartedAndInSync(1, 1000, behind)).toBe(false);
  });

  it("fills the member's id and URL into the restart command", () => {
    expect(restartCommandFor("systemctl restart keel@{id} # {url} {id}", probe(2, "leading"))).toBe(
      "systemctl restart keel@2 # http://127.0.0.1:8002 2",
    );
  });
});
