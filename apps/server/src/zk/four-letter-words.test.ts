import type { SessionId } from "@keel/core";
import { describe, expect, it } from "vitest";
import type { ServerStatus } from "../ops/health.js";
import { allowedWords, type FourLetterSource, fourLetterReply } from "./four-letter-words.js";
import type { ZkConnectionStats } from "./zk-connection.js";

const status: ServerStatus = {
  serverId: 1,
  ensembleId: "keel",
  version: "0.1.0",
  role: "leading",
  leaderId: 1,
  synced: true,
  lastZxid: 0x100000016n,
  currentEpoch: 1,
  uptimeMs: 9241,
  latencyMs: { min: 0, avg: 2.3684, max: 26 },
  packetsReceived: 46,
  packetsSent: 51,
  connections: 2,
  outstandingRequests: 0,
  sessions: 1,
  znodes: 5,
  watches: 1,
  ephemerals: 0,
  approximateDataBytes: 44,
  leader: { followers: 2, syncedFollowers: 2, pendingSyncs: 0 },
};

const connection: ZkConnectionStats = {
  remote: "/127.0.0.1:47950",
  sessionId: 0x100000847cc0006n as SessionId,
  timeoutMs: 4000,
  queued: 0,
  received: 3,
  sent: 3,
  establishedMs: 1795622111831,
  lastOp: "getData",
  lastCxid: 2,
  lastZxid: 0x16n,
  lastLatencyMs: 1,
  minLatencyMs: 0,
  maxLatencyMs: 1,
  avgLatencyMs: 0.5,
  watches: 1,
};

function source(ensembleSize = 3): FourLetterSource {
  return {
    status: () => status,
    connections: () => [connection, { ...connection, remote: "/127.0.0.1:47978", sessionId: undefined }],
    dataWatches: () => new Map([["/flw-probe", [0x100000847cc0006n]]]),
    watchesBySession: () => new Map([[0x100000847cc0006n, ["/flw-probe"]]]),
    ephemeralsBySession: () => new Map([[0x100000847cc0006n, ["/e"]]]),
    ensembleSize,
    config: { clientPort: 2181, dataDirBytes: 4096 },
    environment: { "zookeeper.version": "Keel 0.1.0" },
    resetServerStats: () => undefined,
    resetConnectionStats: () => undefined,
  };
}

const all = allowedWords("*");
const reply = (word: string, serving = true, size = 3) => fourLetterReply(word, all, serving, source(size));

describe("four-letter words", () => {
  it("leaves any other 4 bytes to be read as a frame length", () => {
    expect(reply("\u0000\u0000\u0000\u002d")).toBeUndefined();
    expect(reply("RUOK")).toBeUndefined();
  });

  it("answers in ZooKeeper 3.8's shapes", () => {
    expect(reply("ruok")).toBe("imok");
    expect(reply("isro")).toBe("rw");
    expect(reply("srvr")).toBe(
      [
        "Zookeeper version: Keel 0.1.0",
        "Latency min/avg/max: 0/2.3684/26",
        "Received: 46",
        "Sent: 51",
        "Connections: 2",
        "Outstanding: 0",
        "Zxid: 0x100000016",
        "Mode: leader",
        "Node count: 5",
        "",
      ].join("\n"),
    );
    expect(reply("stat")).toContain(
      "Clients:\n /127.0.0.1:47950[1](queued=0,recved=3,sent=3)\n /127.0.0.1:47978[1](queued=0,recved=3,sent=3)\n\nLatency",
    );
    expect(reply("cons")).toBe(
      " /127.0.0.1:47950[1](queued=0,recved=3,sent=3,sid=0x100000847cc0006,lop=getData,est=1795622111831,to=4000,lcxid=0x2,lzxid=0x16,llat=1,minlat=0,avglat=1,maxlat=1)\n /127.0.0.1:47978[0](queued=0,recved=3,sent=3)\n\n",
    );
    expect(reply("wchs")).toBe("1 connections watching 1 paths\nTotal watches:1\n");
    expect(reply("wchc")).toBe("0x100000847cc0006\n\t/flw-probe\n\n");
    expect(reply("wchp")).toBe("/flw-probe\n\t0x100000847cc0006\n\n");
    expect(reply("mntr")).toMatch(/^zk_version\t0\.1\.0\n(.+\t.+\n)+$/);
    expect(reply("mntr")).toContain("zk_server_state\tleader\n");
  });

  it("calls a one-member ensemble's leader standalone, as zkServer.sh status expects", () => {
    expect(reply("srvr", true, 1)).toContain("Mode: standalone\n");
  });

  it("says a non-serving server is not serving, but still answers ruok", () => {
    expect(reply("srvr", false)).toBe("This ZooKeeper instance is not currently serving requests\n");
    expect(reply("ruok", false)).toBe("imok");
  });

  it("refuses words outside the whitelist, but always answers srvr", () => {
    const allowed = allowedWords("ruok,mntr");
    expect(fourLetterReply("cons", allowed, true, source())).toBe(
      "cons is not executed because it is not in the whitelist.\n",
    );
    expect(fourLetterReply("srvr", allowed, true, source())).toContain("Mode: leader");
    expect(fourLetterReply("ruok", allowed, true, source())).toBe("imok");
  });
});
