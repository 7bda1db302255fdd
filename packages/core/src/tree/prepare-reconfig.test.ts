// Checks the leader's rules for a membership change, one row per rule (tree/prepare-reconfig.ts):
// who may ask, one change at a time, fromVersion, a usable result, and that every added voter and
// a quorum of the new voters are synced with the leader.
import { describe, expect, it } from "vitest";
import { isKeelError } from "../errors.js";
import { type PeerId, zxid } from "../ids.js";
import type { ReconfigView } from "../zab/application.js";
import { type Member, sortedMembership } from "../zab/membership.js";
import { type AuthId, KEEL_SUPER_ID } from "./acl.js";
import { prepareReconfig } from "./prepare-reconfig.js";
import type { ReconfigRequest } from "./request.js";

const id = (n: number) => n as PeerId;
const member = (n: number, role: "voter" | "observer" = "voter"): Member => ({
  id: id(n),
  role,
  host: "127.0.0.1",
  peerPort: 7100 + n,
  clientPort: 7000 + n,
});
const current = sortedMembership(zxid(1, 3), [member(1), member(2), member(3)]);
const admin: readonly AuthId[] = [KEEL_SUPER_ID];

function view(synced: readonly number[], pending = false): ReconfigView {
  return { membership: () => current, changePending: () => pending, isSynced: (peer) => synced.includes(peer) };
}

interface Row {
  readonly name: string;
  readonly request: ReconfigRequest;
  readonly synced?: readonly number[];
  readonly pending?: boolean;
  readonly auth?: readonly AuthId[];
  /** The keelCode of the refusal, or the member ids after the change. */
  readonly expected: string | readonly number[];
}

const rows: readonly Row[] = [
  {
    name: "adds a synced voter",
    request: { type: "reconfig", add: member(4) },
    synced: [1, 2, 4],
    expected: [1, 2, 3, 4],
  },
  {
    name: "adds an observer that is not connected (observers never count)",
    request: { type: "reconfig", add: member(4, "observer") },
    synced: [1, 2],
    expected: [1, 2, 3, 4],
  },
  { name: "removes a voter", request: { type: "reconfig", remove: id(3) }, synced: [1, 2], expected: [1, 2] },
  {
    name: "refuses a caller without a super identity",
    request: { type: "reconfig", remove: id(3) },
    auth: [{ scheme: "user", id: "alice" }],
    expected: "NOAUTH",
  },
  {
    name: "refuses while a change is in flight",
    request: { type: "reconfig", remove: id(3) },
    pending: true,
    expected: "RECONFIGINPROGRESS",
  },
  {
    name: "refuses a stale fromVersion",
    request: { type: "reconfig", remove: id(3), fromVersion: zxid(1, 2) },
    expected: "BADVERSION",
  },
  {
    name: "accepts the current fromVersion",
    request: { type: "reconfig", remove: id(3), fromVersion: zxid(1, 3) },
    expected: [1, 2],
  },
  {
    name: "refuses adding a member already in",
    request: { type: "reconfig", add: member(2) },
    expected: "BADARGUMENTS",
  },
  { name: "refuses removing a stranger", request: { type: "reconfig", remove: id(7) }, expected: "BADARGUMENTS" },
  { name: "refuses a request that neither adds nor removes", request: { type: "reconfig" }, expected: "BADARGUMENTS" },
  {
    name: "refuses an added voter that is not synced",
    request: { type: "reconfig", add: member(4) },
    synced: [1, 2, 3],
    expected: "NEWCONFIGNOQUORUM",
  },
  {
    name: "refuses when the new voters are not a synced quorum",
    request: { type: "reconfig", remove: id(1) },
    synced: [1, 2],
    expected: "NEWCONFIGNOQUORUM",
  },
];

describe("prepareReconfig", () => {
  it.each(rows)("$name", (row) => {
    const body = prepareReconfig(
      row.request,
      row.auth ?? admin,
      zxid(1, 9),
      { superIds: [] },
      view(row.synced ?? [1, 2, 3], row.pending ?? false),
    );
    if (typeof row.expected === "string") {
      expect(isKeelError(body) ? body.code : body).toBe(row.expected);
    } else {
      expect(isKeelError(body) ? body.code : body.type === "reconfig" ? body.members.map((m) => m.id) : body).toEqual(
        row.expected,
      );
    }
  });

  it("is refused where the leader gives no view (RECONFIGDISABLED)", () => {
    const body = prepareReconfig({ type: "reconfig", remove: id(3) }, admin, zxid(1, 9), { superIds: [] }, undefined);
    expect(isKeelError(body) && body.code).toBe("RECONFIGDISABLED");
  });
});
