/**
 * Debian's ZooKeeper 3.8 as a 3-node quorum whose members a test can SIGKILL and restart: the
 * same client programs then run against the reference server (ZK_COMPAT_TARGET=zookeeper), which
 * tells a client-program bug from a Keel bug. testkit's startZooKeeper has no kill/restart yet.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "@keel/testkit";
import { waitFor } from "./wait-for.js";

const zookeeperJar = "/usr/share/java/zookeeper.jar";

interface QuorumMember {
  readonly id: number;
  readonly clientPort: number;
  readonly quorumPort: number;
  readonly electionPort: number;
  readonly dir: string;
  process: ChildProcess | undefined;
}

function zooCfg(self: QuorumMember, members: readonly QuorumMember[]): string {
  return [
    "tickTime=2000",
    "initLimit=10",
    "syncLimit=5",
    `dataDir=${join(self.dir, "data")}`,
    "clientPortAddress=127.0.0.1",
    `clientPort=${self.clientPort}`,
    "maxClientCnxns=0",
    "admin.enableServer=false",
    "4lw.commands.whitelist=srvr",
    ...members.map((m) => `server.${m.id}=127.0.0.1:${m.quorumPort}:${m.electionPort}`),
    "",
  ].join("\n");
}

function srvrMode(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    const timer = setTimeout(() => socket.destroy(), 2000);
    socket.on("connect", () => socket.write("srvr"));
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(/Mode: (\w+)/.exec(answer)?.[1]);
    });
  });
}

export class ZooKeeperQuorum {
  private constructor(
    readonly members: readonly QuorumMember[],
    private readonly rootDir: string,
  ) {}

  static async start(): Promise<ZooKeeperQuorum> {
    const ports = await freePorts(9);
    const rootDir = mkdtempSync(join(tmpdir(), "zk-compat-zookeeper-"));
    const members: QuorumMember[] = [1, 2, 3].map((id, index) => ({
      id,
      clientPort: ports[index * 3] as number,
      quorumPort: ports[index * 3 + 1] as number,
      electionPort: ports[index * 3 + 2] as number,
      dir: join(rootDir, `server-${id}`),
      process: undefined,
    }));
    const quorum = new ZooKeeperQuorum(members, rootDir);
    for (const member of members) {
      mkdirSync(join(member.dir, "data"), { recursive: true });
      writeFileSync(join(member.dir, "zoo.cfg"), zooCfg(member, members));
      writeFileSync(join(member.dir, "data", "myid"), `${member.id}\n`);
      quorum.startMember(member.id);
    }
    return quorum;
  }

  member(id: number): QuorumMember {
    const member = this.members.find((m) => m.id === id);
    if (!member) throw new Error(`no zookeeper member ${id}`);
    return member;
  }

  startMember(id: number): void {
    const member = this.member(id);
    const log = openSync(join(member.dir, "server.log"), "a");
    member.process = spawn(
      "java",
      [
        "-Xmx256m",
        "-cp",
        `/etc/zookeeper/conf:${zookeeperJar}`,
        `-Dzookeeper.log.dir=${member.dir}`,
        "org.apache.zookeeper.server.quorum.QuorumPeerMain",
        join(member.dir, "zoo.cfg"),
      ],
      { stdio: ["ignore", log, log], cwd: member.dir },
    );
  }

  isRunning(id: number): boolean {
    const child = this.member(id).process;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Waits until every running member serves and one leads; returns the leader's id. */
  async waitForLeader(timeoutMs = 90_000): Promise<number> {
    let leader = 0;
    await waitFor(
      "a zookeeper leader with every running member serving",
      async () => {
        const running = this.members.filter((m) => this.isRunning(m.id));
        const modes = await Promise.all(running.map((m) => srvrMode(m.clientPort)));
        if (!modes.every((mode) => mode === "leader" || mode === "follower")) return false;
        leader = running[modes.indexOf("leader")]?.id ?? 0;
        return leader !== 0;
      },
      { timeoutMs, describe: () => this.logTail() },
    );
    return leader;
  }

  async kill(id: number): Promise<void> {
    const child = this.member(id).process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }

  logTail(): string {
    return this.members
      .map((m) => {
        let text = "";
        try {
          text = readFileSync(join(m.dir, "server.log"), "utf8");
        } catch {
          text = "(no log)";
        }
        return `--- zookeeper ${m.id} ---\n${text.split("\n").slice(-15).join("\n")}`;
      })
      .join("\n");
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => this.kill(m.id)));
    rmSync(this.rootDir, { recursive: true, force: true });
  }
}
