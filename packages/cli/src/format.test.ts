import type { StatView } from "@keel/api";
import { describe, expect, it } from "vitest";
import { describeCause, eventLine, keyValues, showZxid, statRows, table, zxidLag } from "./format.js";

const zxid = (epoch: number, counter: number) => String((BigInt(epoch) << 32n) | BigInt(counter));

describe("table", () => {
  it("pads every column but the last to its widest cell, with no trailing blanks", () => {
    expect(
      table(
        ["A", "LONG HEADER", "Z"],
        [
          ["wide cell", "x", ""],
          ["b", "yy", "last"],
        ],
      ),
    ).toBe(["A          LONG HEADER  Z", "wide cell  x", "b          yy           last", ""].join("\n"));
  });
  it("prints only the header for no rows", () => {
    expect(table(["ID", "URL"], [])).toBe("ID  URL\n");
  });
});

describe("zxids", () => {
  it.each([
    [zxid(0, 0), "0x0:0"],
    [zxid(1, 5), "0x1:5"],
    [zxid(26, 4_000_000_000), "0x1a:4000000000"],
    ["not a zxid", "not a zxid"],
  ])("showZxid(%s) = %s", (decimal, shown) => {
    expect(showZxid(decimal)).toBe(shown);
  });

  it.each([
    { ahead: zxid(3, 10), behind: zxid(3, 7), lag: 3 },
    { ahead: zxid(3, 10), behind: zxid(3, 10), lag: 0 },
    // a member ahead of the leader's reading (statuses are taken at slightly different times)
    { ahead: zxid(3, 10), behind: zxid(3, 12), lag: 0 },
    // another epoch: counters do not compare
    { ahead: zxid(4, 1), behind: zxid(3, 900), lag: undefined },
    { ahead: "x", behind: zxid(3, 1), lag: undefined },
  ])("zxidLag($ahead, $behind) = $lag", ({ ahead, behind, lag }) => {
    expect(zxidLag(ahead, behind)).toBe(lag);
  });
});

describe("stat", () => {
  const stat: StatView = {
    czxid: zxid(1, 1),
    mzxid: zxid(1, 8),
    pzxid: zxid(1, 7),
    ctime: Date.UTC(2026, 11, 2, 13, 0, 0),
    mtime: 0,
    version: 2,
    cversion: 3,
    aversion: 0,
    ephemeralOwner: "0",
    dataLength: 5,
    numChildren: 1,
  };
  it("lists ZooKeeper's fields in ZooKeeper's order, zxids in both forms", () => {
    expect(keyValues(statRows(stat))).toBe(
      [
        "czxid           0x1:1 (4294967297)",
        "mzxid           0x1:8 (4294967304)",
        "pzxid           0x1:7 (4294967303)",
        "ctime           2026-12-02T13:00:00.000Z",
        "mtime           -",
        "version         2",
        "cversion        3",
        "aversion        0",
        "ephemeralOwner  -",
        "dataLength      5",
        "numChildren     1",
        "",
      ].join("\n"),
    );
  });
});

describe("watch events", () => {
  it.each([
    [{ kind: "delete", sessionId: "42" }, "deleted by session 42"],
    [{ kind: "delete", sessionId: "0" }, "deleted without a session"],
    [{ kind: "forceRelease", sessionId: "7", reason: "stuck job" }, "force-released by session 7: stuck job"],
    [{ kind: "sessionExpired", sessionId: "9" }, "owner session 9 expired"],
    [{ kind: "sessionClosed", sessionId: "9" }, "owner session 9 closed"],
    [{ kind: "ttlExpired" }, "TTL expired"],
    [{ kind: "containerEmpty" }, "empty container removed"],
    [{ kind: "somethingNew" }, "somethingNew"],
  ])("describeCause(%o) = %s", (cause, text) => {
    expect(describeCause(cause)).toBe(text);
  });

  it("prints zxid, type, path and the cause when there is one", () => {
    expect(eventLine({ type: "NodeCreated", path: "/a", zxid: zxid(1, 2) })).toBe("0x1:2  NodeCreated  /a\n");
    expect(
      eventLine({
        type: "NodeDeleted",
        path: "/a",
        zxid: zxid(1, 3),
        cause: { kind: "sessionExpired", sessionId: "5" },
      } as never),
    ).toBe("0x1:3  NodeDeleted  /a  (owner session 5 expired)\n");
  });
});
