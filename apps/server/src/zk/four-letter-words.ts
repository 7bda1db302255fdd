/**
 * ZooKeeper's four-letter words on the ZooKeeper port (docs/zookeeper-compat.md, "Four-letter
 * words"): a new connection whose first 4 bytes are a known word gets plain text and is closed.
 * The shapes are ZooKeeper 3.8's (`zkServer.sh status` reads srvr's `Mode:` line; monitoring
 * agents read mntr's `zk_*` keys). Pure renderers over a snapshot, so they are tested without a
 * server.
 */
import { formatZxidHex, mntrText, type ServerStatus } from "../ops/health.js";
import type { ZkConnectionStats } from "./zk-connection.js";

/** Every word ZooKeeper 3.8 knows; any other first 4 bytes are the length of a ConnectRequest. */
export const FOUR_LETTER_WORDS = [
  "conf",
  "cons",
  "crst",
  "dirs",
  "dump",
  "envi",
  "gtmk",
  "hash",
  "isro",
  "mntr",
  "ruok",
  "srst",
  "srvr",
  "stat",
  "stmk",
  "wchc",
  "wchp",
  "wchs",
] as const;
export type FourLetterWord = (typeof FOUR_LETTER_WORDS)[number];

const KNOWN: ReadonlySet<string> = new Set(FOUR_LETTER_WORDS);

/** What the words report: a status snapshot plus the port's connections and watches. */
export interface FourLetterSource {
  status(): ServerStatus;
  /** Every open ZooKeeper-port connection. */
  connections(): readonly ZkConnectionStats[];
  /** Data/exist watches: path → watching session ids (wchs/wchp count these only, as ZooKeeper does). */
  dataWatches(): ReadonlyMap<string, readonly bigint[]>;
  /** Each session's watched paths (data, exist and child), for wchc. */
  watchesBySession(): ReadonlyMap<bigint, readonly string[]>;
  /** Live sessions and their ephemerals, for dump. */
  ephemeralsBySession(): ReadonlyMap<bigint, readonly string[]>;
  readonly ensembleSize: number;
  readonly config: Readonly<Record<string, string | number>>;
  readonly environment: Readonly<Record<string, string>>;
  /** Resets srvr's latency and packet figures (srst) and the connections' (crst). */
  resetServerStats(): void;
  resetConnectionStats(): void;
}

/** Parses the whitelist: `*` or comma-separated words. srvr is always on (zkServer.sh needs it). */
export function allowedWords(list: string): ReadonlySet<string> {
  if (list.trim() === "*") return KNOWN;
  return new Set([...list.split(",").map((word) => word.trim()), "srvr"]);
}

const NOT_SERVING = "This ZooKeeper instance is not currently serving requests\n";
/** Words that need a serving server in ZooKeeper; the others answer from a non-serving one too. */
const NEEDS_SERVING: ReadonlySet<string> = new Set([
  "cons",
  "dump",
  "hash",
  "mntr",
  "srvr",
  "stat",
  "wchc",
  "wchp",
  "wchs",
]);

/** The reply to `word`, or undefined when the 4 bytes are not a four-letter word at all. */
export function fourLetterReply(
  word: string,
  allowed: ReadonlySet<string>,
  serving: boolean,
  source: FourLetterSource,
): string | undefined {
  if (!KNOWN.has(word)) return undefined;
  if (!allowed.has(word)) return `${word} is not executed because it is not in the whitelist.\n`;
  if (!serving && NEEDS_SERVING.has(word)) return NOT_SERVING;
  switch (word as FourLetterWord) {
    case "ruok":
      return "imok";
    case "isro":
      return serving ? "rw" : "null";
    case "srvr":
      return srvr(source.status(), source.ensembleSize, undefined);
    case "stat":
      return srvr(source.status(), source.ensembleSize, source.connections());
    case "mntr":
      return mntrText(source.status());
    case "cons":
      return `${source
        .connections()
        .map((c) => `${consLine(c)}\n`)
        .join("")}\n`;
    case "wchs":
      return wchs(source);
    case "wchc":
      return wchc(source.watchesBySession());
    case "wchp":
      return wchp(source.dataWatches());
    case "dump":
      return dump(source.ephemeralsBySession());
    case "envi":
      return `Environment:\n${keyValues(source.environment)}`;
    case "conf":
      return keyValues(source.config);
    case "dirs":
      return `datadir_size: ${source.config.dataDirBytes ?? 0}\nlogdir_size: 0\n`;
    case "srst":
      source.resetServerStats();
      return "Server stats reset.\n";
    case "crst":
      source.resetConnectionStats();
      return "Connection stats reset.\n";
    case "gtmk":
    case "stmk":
      return "0\n";
    case "hash":
      return "";
  }
}

/** ZooKeeper's modes: a one-member ensemble is "standalone". */
function modeOf(status: ServerStatus, ensembleSize: number): string {
  if (ensembleSize === 1 && status.role === "leading") return "standalone";
  switch (status.role) {
    case "leading":
      return "leader";
    case "following":
      return "follower";
    case "observing":
      return "observer";
    default:
      return "looking";
  }
}

function srvr(status: ServerStatus, ensembleSize: number, clients: readonly ZkConnectionStats[] | undefined): string {
  const { min, avg, max } = status.latencyMs;
  const lines = [`Zookeeper version: Keel ${status.version}`];
  if (clients !== undefined) lines.push("Clients:", ...clients.map(shortConsLine), "");
  lines.push(
    `Latency min/avg/max: ${Math.round(min)}/${avg.toFixed(4)}/${Math.round(max)}`,
    `Received: ${status.packetsReceived}`,
    `Sent: ${status.packetsSent}`,
    `Connections: ${status.connections}`,
    `Outstanding: ${status.outstandingRequests}`,
    `Zxid: ${formatZxidHex(status.lastZxid)}`,
    `Mode: ${modeOf(status, ensembleSize)}`,
    `Node count: ${status.znodes}`,
  );
  return `${lines.join("\n")}\n`;
}

function shortConsLine(c: ZkConnectionStats): string {
  return ` ${c.remote}[1](queued=${c.queued},recved=${c.received},sent=${c.sent})`;
}

function consLine(c: ZkConnectionStats): string {
  if (c.sessionId === undefined) return ` ${c.remote}[0](queued=${c.queued},recved=${c.received},sent=${c.sent})`;
  const fields = [
    `queued=${c.queued}`,
    `recved=${c.received}`,
    `sent=${c.sent}`,
    `sid=0x${c.sessionId.toString(16)}`,
    `lop=${c.lastOp}`,
    `est=${c.establishedMs}`,
    `to=${c.timeoutMs ?? 0}`,
    `lcxid=0x${(c.lastCxid >>> 0).toString(16)}`,
    `lzxid=0x${c.lastZxid.toString(16)}`,
    `llat=${Math.round(c.lastLatencyMs)}`,
    `minlat=${Math.round(c.minLatencyMs)}`,
    `avglat=${Math.round(c.avgLatencyMs)}`,
    `maxlat=${Math.round(c.maxLatencyMs)}`,
  ];
  return ` ${c.remote}[1](${fields.join(",")})`;
}

function wchs(source: FourLetterSource): string {
  const watches = source.dataWatches();
  const sessions = new Set<bigint>();
  let total = 0;
  for (const watchers of watches.values()) {
    total += watchers.length;
    for (const id of watchers) sessions.add(id);
  }
  return `${sessions.size} connections watching ${watches.size} paths\nTotal watches:${total}\n`;
}

function wchc(bySession: ReadonlyMap<bigint, readonly string[]>): string {
  let out = "";
  for (const [sessionId, paths] of bySession) {
    out += `0x${sessionId.toString(16)}\n${paths.map((path) => `\t${path}\n`).join("")}`;
  }
  return `${out}\n`;
}

function wchp(byPath: ReadonlyMap<string, readonly bigint[]>): string {
  let out = "";
  for (const [path, sessions] of byPath) {
    out += `${path}\n${sessions.map((id) => `\t0x${id.toString(16)}\n`).join("")}`;
  }
  return `${out}\n`;
}

function dump(ephemerals: ReadonlyMap<bigint, readonly string[]>): string {
  let out = `SessionTracker dump:\nSession count: ${ephemerals.size}\nephemeral nodes dump:\nSessions with Ephemerals (${ephemerals.size}):\n`;
  for (const [sessionId, paths] of ephemerals) {
    out += `0x${sessionId.toString(16)}:\n${paths.map((path) => `\t${path}\n`).join("")}`;
  }
  return out;
}

function keyValues(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${value}\n`)
    .join("");
}
