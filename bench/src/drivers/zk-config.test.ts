import { describe, expect, it } from "vitest";
import { myid, zooCfg } from "./zk-config.js";

const members = [
  { id: 1, clientPort: 2181, quorumPort: 2888, electionPort: 3888 },
  { id: 2, clientPort: 2182, quorumPort: 2889, electionPort: 3889 },
  { id: 3, clientPort: 2183, quorumPort: 2890, electionPort: 3890 },
];

function parse(cfg: string): Map<string, string> {
  return new Map(
    cfg
      .trim()
      .split("\n")
      .map((line) => line.split("=", 2) as [string, string]),
  );
}

describe("zooCfg", () => {
  it("writes a loopback ensemble member with fsync on and the admin server off", () => {
    const cfg = parse(zooCfg({ dataDir: "/tmp/zk/2", self: members[1] as (typeof members)[number], members }));
    expect(cfg.get("dataDir")).toBe("/tmp/zk/2");
    expect(cfg.get("clientPort")).toBe("2182");
    expect(cfg.get("clientPortAddress")).toBe("127.0.0.1");
    expect(cfg.get("forceSync")).toBe("yes");
    expect(cfg.get("admin.enableServer")).toBe("false");
    expect(cfg.get("4lw.commands.whitelist")).toContain("srvr");
    expect(cfg.get("server.1")).toBe("127.0.0.1:2888:3888");
    expect(cfg.get("server.3")).toBe("127.0.0.1:2890:3890");
    expect(cfg.get("tickTime")).toBe("2000");
  });

  it("writes no server lines for one member, so it runs standalone", () => {
    const only = members[0] as (typeof members)[number];
    const cfg = zooCfg({ dataDir: "/d", self: only, members: [only] });
    expect(cfg).not.toContain("server.");
  });

  it("passes tick and limits through", () => {
    const cfg = parse(
      zooCfg({ dataDir: "/d", self: members[0] as (typeof members)[number], members, tickTimeMs: 500, syncLimit: 2 }),
    );
    expect(cfg.get("tickTime")).toBe("500");
    expect(cfg.get("syncLimit")).toBe("2");
    expect(cfg.get("initLimit")).toBe("10");
  });

  it("writes myid as the member id", () => {
    expect(myid(members[2] as (typeof members)[number])).toBe("3\n");
  });
});
