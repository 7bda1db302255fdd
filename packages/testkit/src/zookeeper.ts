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

export interface ZooKeeperEnsemble {
  /** `127.0.0.1:<port>[,…]`: every member, as a ZooKeeper client expects it. */
  readonly connectString: string;
  readonly members: readonly ZooKeeperMember[];
  /** Kills every JVM this call started and removes the temp directory. */
  stop(): Promise<void>;
  /** The last lines of every member's log, for failure messages. */
  logTail(): string;
}

interface PeerPorts extends ZooKeeperMember {
  readonly quorumPort: number;
  readonly electionPort: number;
}

interface ServerProcess {
  readonly member: PeerPorts;
  readonly dir: string;
  readonly child: ChildProcess;
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

function spawnServer(rootDir: string, member: PeerPorts, members: readonly PeerPorts[]): ServerProcess {
  const dir = join(rootDir, `server-${member.id}`);
  const dataDir = join(dir, "data");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dir, "zoo.cfg"), zooCfg(dataDir, member, members));
  writeFileSync(join(dataDir, "myid"), `${member.id}\n`);
  const log = openSync(join(dir, "server.log"), "a");
  const mainClass =
    members.length === 1
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
  return { member, dir, child };
}

async function stopServers(rootDir: string, servers: readonly ServerProcess[]): Promise<void> {
  await Promise.all(
    servers.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGKILL");
      await exited;
    }),
  );
  rmSync(rootDir, { recursive: true, force: true });
}

function tailOf(servers: readonly ServerProcess[]): string {
  return servers
    .map(({ member, dir }) => {
      let text = "";
      try {
        text = readFileSync(join(dir, "server.log"), "utf8");
      } catch {
        text = "(no log)";
      }
      return `--- zookeeper ${member.id} ---\n${text.split("\n").slice(-logTailLines).join("\n")}`;
    })
    .join("\n");
}

/** Starts Debian's ZooKeeper with `nodes` members and waits until every member serves. */
export async function startZooKeeper(options: { nodes: 1 | 3 }): Promise<ZooKeeperEnsemble> {
  const ports = await freePorts(options.nodes * 3);
  const members: PeerPorts[] = Array.from({ length: options.nodes }, (_, index) => ({
    id: index + 1,
    clientPort: ports[index * 3] as number,
    quorumPort: ports[index * 3 + 1] as number,
    electionPort: ports[index * 3 + 2] as number,
  }));
  const rootDir = mkdtempSync(join(tmpdir(), "keel-zookeeper-"));
  const servers = members.map((member) => spawnServer(rootDir, member, members));
  const serving = new Set(options.nodes === 1 ? ["standalone"] : ["leader", "follower"]);
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    const modes = await Promise.all(members.map((m) => serverMode(m.clientPort)));
    if (modes.every((mode) => mode !== undefined && serving.has(mode))) break;
    const exited = servers.find(({ child }) => child.exitCode !== null || child.signalCode !== null);
    if (exited || Date.now() > deadline) {
      const tail = tailOf(servers);
      await stopServers(rootDir, servers);
      const why = exited ? `member ${exited.member.id} exited` : `not serving after ${startTimeoutMs} ms`;
      throw new Error(`startZooKeeper: ${why} (modes ${JSON.stringify(modes)})\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    connectString: members.map((m) => `127.0.0.1:${m.clientPort}`).join(","),
    members: members.map(({ id, clientPort }) => ({ id, clientPort })),
    stop: () => stopServers(rootDir, servers),
    logTail: () => tailOf(servers),
  };
}
