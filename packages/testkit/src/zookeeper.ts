/**
 * Starts Debian's ZooKeeper 3.8 (the `zookeeper` package: /usr/share/java/zookeeper.jar) on free
 * 127.0.0.1 ports in a temp directory, as the reference server of differential tests: one node
 * runs standalone (ZooKeeperServerMain), three run as a quorum (QuorumPeerMain). Settings are
 * ZooKeeper's defaults except what a test on one machine needs: loopback ports, no admin HTTP
 * server (it would take port 8080), every four-letter word (tests poll `srvr`), no per-IP
 * connection cap, and TTL nodes enabled because Keel has them on.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "./ports.js";

const zookeeperJar = "/usr/share/java/zookeeper.jar";
const zookeeperConfDir = "/etc/zookeeper/conf";
// The jar names slf4j in its manifest but no binding: without these two the server logs nothing.
const loggingJars = ["/usr/share/java/slf4j-log4j12.jar", "/usr/share/java/log4j-1.2.jar"];
const startTimeoutMs = 60_000;
const logTailLines = 30;

export interface ZooKeeperMember {
  readonly id: number;
  readonly clientPort: number;
}

interface PeerPorts extends ZooKeeperMember {
  readonly quorumPort: number;
  readonly electionPort: number;
}

/** zoo.cfg of one member; a single member means standalone (no server.N lines). */
function zooCfg(dataDir: string, self: PeerPorts, members: readonly PeerPorts[]): string {
  const lines = [
    "tickTime=2000",
    "initLimit=10",
    "syncLimit=5",
    `dataDir=${dataDir}`,
    "clientPortAddress=127.0.0.1",
    `clientPort=${self.clientPort}`,
    "maxClientCnxns=0",
    "admin.enableServer=false",
    "4lw.commands.whitelist=*",
    "autopurge.purgeInterval=0",
    // Unknown keys become `zookeeper.<key>` system properties; the JVM flag below says it again
    // because ZooKeeperServerMain reads this one as a system property.
    "extendedTypesEnabled=true",
  ];
  if (members.length > 1) {
    for (const m of members) lines.push(`server.${m.id}=127.0.0.1:${m.quorumPort}:${m.electionPort}`);
  }
  return `${lines.join("\n")}\n`;
}

/** One four-letter word over a client port; resolves with the whole answer ("" if refused). */
export function fourLetterWord(port: number, word: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on("connect", () => socket.write(word));
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** `standalone`, `leader`, `follower`, or undefined while the member does not serve. */
async function serverMode(port: number): Promise<string | undefined> {
  return /Mode: (\w+)/.exec(await fourLetterWord(port, "srvr"))?.[1];
}

/**
 * A running Debian ZooKeeper: its members can be killed (SIGKILL) and started again, so the same
 * client programs run against the reference server and against Keel.
 */
export class ZooKeeperEnsemble {
  private readonly processes = new Map<number, ChildProcess>();

  private constructor(
    private readonly ports: readonly PeerPorts[],
    private readonly rootDir: string,
  ) {}

  /** Writes every member's config and starts them (use `startZooKeeper`, which also waits). */
  static async create(nodes: 1 | 3): Promise<ZooKeeperEnsemble> {
    const ports = await freePorts(nodes * 3);
    const members: PeerPorts[] = Array.from({ length: nodes }, (_, index) => ({
      id: index + 1,
      clientPort: ports[index * 3] as number,
      quorumPort: ports[index * 3 + 1] as number,
      electionPort: ports[index * 3 + 2] as number,
    }));
    const ensemble = new ZooKeeperEnsemble(members, mkdtempSync(join(tmpdir(), "keel-zookeeper-")));
    for (const member of members) {
      const dataDir = join(ensemble.dirOf(member.id), "data");
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(join(ensemble.dirOf(member.id), "zoo.cfg"), zooCfg(dataDir, member, members));
      writeFileSync(join(dataDir, "myid"), `${member.id}\n`);
      ensemble.startMember(member.id);
    }
    return ensemble;
  }

  get members(): readonly ZooKeeperMember[] {
    return this.ports.map(({ id, clientPort }) => ({ id, clientPort }));
  }

  /** `127.0.0.1:<port>[,…]`: every member, as a ZooKeeper client expects it. */
  get connectString(): string {
    return this.ports.map((m) => `127.0.0.1:${m.clientPort}`).join(",");
  }

  member(id: number): ZooKeeperMember {
    const member = this.members.find((m) => m.id === id);
    if (member === undefined) throw new Error(`no zookeeper member ${id}`);
    return member;
  }

  private dirOf(id: number): string {
    return join(this.rootDir, `server-${id}`);
  }

  startMember(id: number): void {
    if (this.isRunning(id)) throw new Error(`zookeeper member ${id} is already running`);
    const dir = this.dirOf(id);
    const log = openSync(join(dir, "server.log"), "a");
    const mainClass =
      this.ports.length === 1
        ? "org.apache.zookeeper.server.ZooKeeperServerMain"
        : "org.apache.zookeeper.server.quorum.QuorumPeerMain";
    const child = spawn(
      "java",
      [
        "-Xmx256m",
        "-cp",
        [zookeeperConfDir, zookeeperJar, ...loggingJars].join(":"),
        `-Dzookeeper.log.dir=${dir}`,
        "-Dzookeeper.root.logger=INFO,CONSOLE",
        "-Dzookeeper.extendedTypesEnabled=true",
        mainClass,
        join(dir, "zoo.cfg"),
      ],
      { stdio: ["ignore", log, log], cwd: dir },
    );
    // A missing java shows up as the start timeout with this in the log tail.
    child.on("error", (error) =>
      writeFileSync(join(dir, "server.log"), `spawn failed: ${error.message}\n`, { flag: "a" }),
    );
    this.processes.set(id, child);
  }

  isRunning(id: number): boolean {
    const child = this.processes.get(id);
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  async kill(id: number): Promise<void> {
    const child = this.processes.get(id);
    if (child === undefined || !this.isRunning(id) || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }

  /**
   * Waits until every running member serves (standalone, or leader and followers); returns the
   * leader's id (1 when standalone).
   */
  async waitForLeader(timeoutMs = startTimeoutMs): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const serving = new Set(this.ports.length === 1 ? ["standalone"] : ["leader", "follower"]);
    for (;;) {
      const running = this.ports.filter((m) => this.isRunning(m.id));
      const modes = await Promise.all(running.map((m) => serverMode(m.clientPort)));
      const leaderIndex = modes.findIndex((mode) => mode === "leader" || mode === "standalone");
      if (leaderIndex >= 0 && modes.every((mode) => mode !== undefined && serving.has(mode))) {
        return (running[leaderIndex] as PeerPorts).id;
      }
      if (running.length === 0 || Date.now() > deadline) {
        throw new Error(
          `zookeeper: no leader with every running member serving (modes ${JSON.stringify(modes)})\n${this.logTail()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The last lines of every member's log, for failure messages. */
  logTail(): string {
    return this.ports
      .map(({ id }) => {
        let text = "";
        try {
          text = readFileSync(join(this.dirOf(id), "server.log"), "utf8");
        } catch {
          text = "(no log)";
        }
        return `--- zookeeper ${id} ---\n${text.split("\n").slice(-logTailLines).join("\n")}`;
      })
      .join("\n");
  }

  /** Kills every JVM it started and removes its temp directory. */
  async stop(): Promise<void> {
    await Promise.all(this.ports.map((m) => this.kill(m.id)));
    rmSync(this.rootDir, { recursive: true, force: true });
  }
}

/** Starts Debian's ZooKeeper with `nodes` members and waits until every member serves. */
export async function startZooKeeper(options: { nodes: 1 | 3 }): Promise<ZooKeeperEnsemble> {
  const ensemble = await ZooKeeperEnsemble.create(options.nodes);
  try {
    await ensemble.waitForLeader();
  } catch (error) {
    await ensemble.stop();
    throw error;
  }
  return ensemble;
}
