// Checks the pure status renderers: /health liveness, /ready's verdict and reason per role, and the
// ruok/srvr/mntr texts (ZooKeeper's keys and line order, leader-only keys only on a leader).
import { describe, expect, it } from "vitest";
import { healthBody, mntrText, readiness, ruokText, srvrText } from "./health.js";
import { followerStatus } from "./test-status.js";

describe("health", () => {
  it("reports liveness whatever the role", () => {
    expect(healthBody({ ...followerStatus, role: "looking" })).toEqual({
      status: "ok",
      serverId: 2,
      role: "looking",
      uptimeMs: 12_345,
    });
  });

  it("is ready only when synced and not electing, with a reason otherwise", () => {
    expect(readiness(followerStatus)).toEqual({ ready: true, role: "following", leaderId: 3, lastZxid: "0x500000007" });
    const reasons = [
      readiness({ ...followerStatus, role: "looking", synced: false, leaderId: null }),
      readiness({ ...followerStatus, synced: false }),
      readiness({ ...followerStatus, synced: false, leaderId: null }),
      readiness({ ...followerStatus, role: "leading", synced: false, leaderId: 2 }),
    ].map((result) => (result.ready ? "ready" : result.reason));
    expect(reasons).toEqual([
      "electing a leader",
      "syncing with leader 3, not yet up to date",
      "not connected to a leader",
      "leading but not yet established with a quorum of followers",
    ]);
  });

  it("answers ruok with imok", () => {
    expect(ruokText()).toBe("imok");
  });

  it("renders srvr in ZooKeeper's order", () => {
    const lines = srvrText(followerStatus).trimEnd().split("\n");
    expect(lines.slice(0, 9)).toEqual([
      "Keel version: 0.1.0",
      "Latency min/avg/max: 0/1.5000/9",
      "Received: 100",
      "Sent: 99",
      "Connections: 4",
      "Outstanding: 1",
      "Zxid: 0x500000007",
      "Mode: follower",
      "Node count: 42",
    ]);
    expect(lines).toContain("Leader: 3");
  });

  it("renders mntr as tab-separated zk_ keys, leader keys only on a leader", () => {
    const follower = Object.fromEntries(
      mntrText(followerStatus)
        .trimEnd()
        .split("\n")
        .map((line) => line.split("\t")),
    );
    expect(follower).toMatchObject({ zk_server_state: "follower", zk_znode_count: "42", zk_avg_latency: "1.5000" });
    expect(follower.zk_followers).toBeUndefined();
    const leader = mntrText({
      ...followerStatus,
      role: "leading",
      leaderId: 2,
      leader: { followers: 2, syncedFollowers: 1, pendingSyncs: 1 },
    });
    expect(leader).toContain("zk_server_state\tleader\n");
    expect(leader).toContain("zk_synced_followers\t1\n");
  });
});
