/**
 * The server's configuration: command-line flags, `KEEL_*` environment variables and an optional JSON
 * file, merged with precedence flags > env > file > defaults and validated once into a frozen
 * ServerConfig (style rule 10). Nothing else reads process.env; main passes argv/env in through env.ts.
 *
 * Every option is declared once in `optionSpecs`, which drives flag and env names, parsing, `--help`
 * and the docs test that keeps docs/operations.md complete.
 */
import { readFileSync } from "node:fs";
import {
  base64CharsFor,
  DATA_BYTES_MAX_CEILING,
  DATA_BYTES_MAX_DEFAULT,
  HISTORY_TXNS_MAX_DEFAULT,
  PEER_MESSAGE_BYTES_MAX,
  SESSION_TIMEOUT_MS_CEILING,
  SNAPSHOT_CHUNK_BYTES_TARGET,
  TXN_OVERHEAD_BYTES_MAX,
  WATCHES_PER_SESSION_MAX_CEILING,
  WATCHES_PER_SESSION_MAX_DEFAULT,
} from "@keel/core";
import { z } from "zod";
import { type PeerAddress, parseDecimal, parsePeerSpec, peerRoles } from "./peer/peer-address.js";
import type { PeerAuth } from "./peer/peer-auth.js";
import { parsePeerSecret, peerSecretHowTo } from "./peer/peer-secret.js";
import { checkTlsMaterial, type TlsMaterial, tlsFileBytesMax } from "./tls-material.js";

export type { PeerAddress, PeerRole } from "./peer/peer-address.js";

export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof logLevels)[number];

export interface ServerConfig {
  readonly id: number;
  readonly ensembleId: string;
  readonly dataDir: string;
  readonly clientHost: string;
  readonly clientPort: number;
  readonly peerHost: string;
  readonly peerPort: number;
  /** Every member, this server included, sorted by id. */
  readonly peers: readonly PeerAddress[];
  /** File holding the ensemble's shared peer secret (docs/security.md); loadConfig reads it into `peerAuth`. */
  readonly peerSecretFile: string | undefined;
  /** Run the peer handshake without a secret (trusted networks only); both ends must agree. */
  readonly insecurePeers: boolean;
  /** This server joins a running ensemble: its own --peer entry is the role it asks for, not a member yet. */
  readonly join: boolean;
  /** PEM certificate of this server; with `tlsKeyFile`, the client port serves HTTPS and WSS only (docs/security.md, "TLS"). */
  readonly tlsCertFile: string | undefined;
  /** PEM private key of `tlsCertFile`; loadConfig reads both into `tls`, never into what gets logged. */
  readonly tlsKeyFile: string | undefined;
  /** PEM CA bundle that peers' (and, with `clientTlsVerify`, clients') certificates must chain to. */
  readonly tlsCaFile: string | undefined;
  /** Peers speak mutual TLS: each side presents its certificate and checks the other's against the CA. */
  readonly peerTls: boolean;
  /** The client port requires a client certificate signed by the CA. */
  readonly clientTlsVerify: boolean;
  /** File holding the built-in `super` user's password (docs/security.md, "Client authentication"); loadConfig reads it into `superPassword`. */
  readonly superPasswordFile: string | undefined;
  /** Refuse anonymous API callers: every call but auth.login and auth.whoami needs credentials. */
  readonly authRequired: boolean;
  /** Origins (scheme://host[:port], comma-separated) of consoles whose cookie logins this server honours. */
  readonly consoleOrigins: string;
  /** Sessions one client address may hold open through this server; more get QUOTAEXCEEDED. */
  readonly sessionsPerAddressMax: number;
  readonly tickMs: number;
  readonly initLimitTicks: number;
  readonly syncLimitTicks: number;
  readonly electionTimeoutTicks: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly dataBytesMax: number;
  readonly requestBytesMax: number;
  readonly connectionsMax: number;
  /** Connections WebSockets may never take, so HTTP calls and /health, /metrics always get in. */
  readonly httpConnectionsReserved: number;
  /** WebSockets one client address may hold open. */
  readonly webSocketsPerAddressMax: number;
  /** Interval of WebSocket pings; a socket that has not answered the previous one is closed. */
  readonly webSocketPingMs: number;
  readonly pendingRequestsMax: number;
  /** ZooKeeper wire port (docs/zookeeper-compat.md); 0 turns it off. */
  readonly zkPort: number;
  /** ZooKeeper's secureClientPort: the ZooKeeper protocol inside TLS (the tls* files); 0 turns it off. */
  readonly zkSecurePort: number;
  /** Address the ZooKeeper port listens on (default: clientHost). */
  readonly zkHost: string;
  /** ZooKeeper's jute.maxbuffer: the largest frame accepted on the ZooKeeper port. */
  readonly zkMaxBufferBytes: number;
  /** Connections one address may hold on the ZooKeeper port (ZooKeeper's maxClientCnxns). */
  readonly zkConnectionsPerAddressMax: number;
  /** Four-letter words answered on the ZooKeeper port: a comma-separated list, or `*` for all. */
  readonly zkFourLetterWords: string;
  readonly watchesPerSessionMax: number;
  /** A watch stream idle this long gets a Progress event with the last applied zxid (docs/api.md). */
  readonly watchProgressMs: number;
  readonly peerFrameBytesMax: number;
  readonly peerSendQueueBytesMax: number;
  readonly peerReconnectDelayMinMs: number;
  readonly peerReconnectDelayMaxMs: number;
  readonly snapshotEveryTxns: number;
  /** Bytes of txns applied between snapshots (at least: snapshot-trigger.ts), so a restart replays a bounded log. */
  readonly snapshotEveryBytes: number;
  readonly snapshotsToKeep: number;
  /** How long a write or sync may wait for its commit before the caller gets OPERATIONTIMEOUT. */
  readonly requestTimeoutMs: number;
  /** Applied txns kept in memory so watch streams can resume from a zxid. */
  readonly historyTxnsMax: number;
  readonly logLevel: LogLevel;
}

type OptionKey = keyof ServerConfig;
/** `boolean` options are bare flags (`--insecure-peers`); env and file values are true or false. */
type OptionKind = "int" | "string" | "peers" | "boolean";

interface OptionSpec {
  readonly key: OptionKey;
  readonly kind: OptionKind;
  /** Placeholder shown in --help ("" for a bare boolean flag). */
  readonly value: string;
  readonly defaultText: string;
  readonly help: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Session timeouts below these floors make no sense for a real client, whatever the tick (data-model.md §6). */
const minSessionTimeoutFloorMs = 2000;
const maxSessionTimeoutFloorMs = 60_000;

/** Idle time after which a watch stream gets a Progress event (issue 17: "every few seconds"). */
const WATCH_PROGRESS_MS_DEFAULT = 2000;

/** Ports used when this server is alone (no peer list) and no port is given. */
const standalonePeerPort = 7001;
const standaloneClientPort = 8001;

export const optionSpecs: readonly OptionSpec[] = [
  { key: "id", kind: "int", value: "<1..255>", defaultText: "required", help: "this server's id in the peer list" },
  {
    key: "ensembleId",
    kind: "string",
    value: "<name>",
    defaultText: "keel",
    help: "ensemble name; peers with another name are refused",
  },
  {
    key: "dataDir",
    kind: "string",
    value: "<dir>",
    defaultText: "required",
    help: "directory for the txn log and snapshots",
  },
  {
    key: "clientHost",
    kind: "string",
    value: "<host>",
    defaultText: "127.0.0.1",
    help: "address the HTTP/WebSocket API listens on",
  },
  {
    key: "clientPort",
    kind: "int",
    value: "<port>",
    defaultText: `own --peer entry, else ${standaloneClientPort}`,
    help: "API port (tRPC HTTP + WebSocket, /health, /metrics)",
  },
  {
    key: "peerHost",
    kind: "string",
    value: "<host>",
    defaultText: "own --peer entry's host, else 127.0.0.1",
    help: "address the peer transport listens on",
  },
  {
    key: "peerPort",
    kind: "int",
    value: "<port>",
    defaultText: `own --peer entry, else ${standalonePeerPort}`,
    help: "TCP port for replication traffic between servers",
  },
  {
    key: "peers",
    kind: "peers",
    value: "<id=host:peerPort:clientPort[:observer]>",
    defaultText: "this server alone",
    help: "an ensemble member (repeat --peer; KEEL_PEERS is comma-separated)",
  },
  {
    key: "peerSecretFile",
    kind: "string",
    value: "<file>",
    defaultText: "none (required with more than one member, unless --insecure-peers)",
    help: `file holding the ensemble's shared peer secret, at least 32 bytes, the same on every member (create one with: ${peerSecretHowTo})`,
  },
  {
    key: "join",
    kind: "boolean",
    value: "",
    defaultText: "false",
    help: 'join a running ensemble: this server\'s own --peer entry is not a member yet; it syncs as a non-voting learner until `keel members add` adds it (docs/operations.md, "Membership changes"); keep it on later restarts',
  },
  {
    key: "insecurePeers",
    kind: "boolean",
    value: "",
    defaultText: "false",
    help: "let peers join without a secret (trusted networks only: anyone who reaches the peer port can act as a member); every member must use it",
  },
  {
    key: "tlsCertFile",
    kind: "string",
    value: "<file>",
    defaultText: "none (plain HTTP)",
    help: "PEM certificate of this server; with --tls-key-file the client port serves HTTPS and WSS only (the ZooKeeper port stays plain)",
  },
  {
    key: "tlsKeyFile",
    kind: "string",
    value: "<file>",
    defaultText: "none",
    help: "PEM private key of --tls-cert-file (give both or neither)",
  },
  {
    key: "tlsCaFile",
    kind: "string",
    value: "<file>",
    defaultText: "none",
    help: "PEM CA bundle that peer certificates (--peer-tls) and client certificates (--client-tls-verify) must be signed by",
  },
  {
    key: "peerTls",
    kind: "boolean",
    value: "",
    defaultText: "false",
    help: "peers speak mutual TLS: each presents --tls-cert-file and checks the other's against --tls-ca-file, and the peer secret handshake runs inside; every member must use it",
  },
  {
    key: "clientTlsVerify",
    kind: "boolean",
    value: "",
    defaultText: "false",
    help: "the client port requires a client certificate signed by --tls-ca-file",
  },
  {
    key: "superPasswordFile",
    kind: "string",
    value: "<file>",
    defaultText: "none (no super user)",
    help: "file holding the password of the built-in admin user `super`, at least 12 characters, the same on every member; it creates the other users",
  },
  {
    key: "authRequired",
    kind: "boolean",
    value: "",
    defaultText: "false (anonymous callers act as operators, within the nodes' ACLs)",
    help: "refuse API callers without a password, token or console login (only auth.login and auth.whoami answer them)",
  },
  {
    key: "consoleOrigins",
    kind: "string",
    value: "<origin,...>",
    defaultText: "none (no cookie logins)",
    help: "origins of the admin consoles allowed to log in with a session cookie, e.g. http://127.0.0.1:3000",
  },
  {
    key: "sessionsPerAddressMax",
    kind: "int",
    value: "<count>",
    defaultText: "1000",
    help: "sessions one client address may open through this server; more fail with QUOTAEXCEEDED",
  },
  {
    key: "tickMs",
    kind: "int",
    value: "<ms>",
    defaultText: "50",
    help: "the basic time unit; every *Ticks option counts these",
  },
  {
    key: "initLimitTicks",
    kind: "int",
    value: "<ticks>",
    defaultText: "40",
    help: "ticks a learner may take to connect and sync to a leader",
  },
  {
    key: "syncLimitTicks",
    kind: "int",
    value: "<ticks>",
    defaultText: "8",
    help: "ticks without hearing the leader (or a quorum) before re-election",
  },
  {
    key: "electionTimeoutTicks",
    kind: "int",
    value: "<ticks>",
    defaultText: "4",
    help: "ticks before an election round re-sends its vote",
  },
  {
    key: "minSessionTimeoutMs",
    kind: "int",
    value: "<ms>",
    defaultText: `max(2 × tickMs, ${minSessionTimeoutFloorMs})`,
    help: "smallest session timeout a client may negotiate",
  },
  {
    key: "maxSessionTimeoutMs",
    kind: "int",
    value: "<ms>",
    defaultText: `max(20 × tickMs, ${maxSessionTimeoutFloorMs})`,
    help: "largest session timeout a client may negotiate",
  },
  { key: "dataBytesMax", kind: "int", value: "<bytes>", defaultText: `${1 * MiB} (1 MiB)`, help: "largest znode data" },
  {
    key: "requestBytesMax",
    kind: "int",
    value: "<bytes>",
    defaultText: `${2 * MiB} (2 MiB)`,
    help: "largest client request body or WebSocket message",
  },
  {
    key: "connectionsMax",
    kind: "int",
    value: "<count>",
    defaultText: "1024",
    help: "client connections (HTTP and WebSocket) accepted at once",
  },
  {
    key: "httpConnectionsReserved",
    kind: "int",
    value: "<count>",
    defaultText: "64",
    help: "of connectionsMax, the connections WebSockets may not use: kept for HTTP calls and /health, /metrics",
  },
  {
    key: "webSocketsPerAddressMax",
    kind: "int",
    value: "<count>",
    defaultText: "256",
    help: "WebSockets one client address may hold open; more are refused with HTTP 429",
  },
  {
    key: "webSocketPingMs",
    kind: "int",
    value: "<ms>",
    defaultText: "5000",
    help: "WebSocket ping interval; a socket that has not answered the previous ping is closed",
  },
  {
    key: "zkPort",
    kind: "int",
    value: "<port>",
    defaultText: "2181",
    help: "ZooKeeper wire protocol port for existing ZooKeeper clients; 0 turns it off",
  },
  {
    key: "zkSecurePort",
    kind: "int",
    value: "<port>",
    defaultText: "0 (off)",
    help: "ZooKeeper wire protocol inside TLS (ZooKeeper's secureClientPort), with --tls-cert-file and --tls-key-file; client certificates required with --client-tls-verify",
  },
  {
    key: "zkHost",
    kind: "string",
    value: "<host>",
    defaultText: "the client host",
    help: "address the ZooKeeper port listens on",
  },
  {
    key: "zkMaxBufferBytes",
    kind: "int",
    value: "<bytes>",
    defaultText: String(0xfffff),
    help: "largest frame on the ZooKeeper port (ZooKeeper's jute.maxbuffer); a bigger one closes the connection",
  },
  {
    key: "zkConnectionsPerAddressMax",
    kind: "int",
    value: "<count>",
    defaultText: "256",
    help: "ZooKeeper-port connections one client address may hold (ZooKeeper's maxClientCnxns)",
  },
  {
    key: "zkFourLetterWords",
    kind: "string",
    value: "<list>",
    defaultText: "*",
    help: "four-letter words answered on the ZooKeeper port: comma-separated, or * for all",
  },
  {
    key: "pendingRequestsMax",
    kind: "int",
    value: "<count>",
    defaultText: "1000",
    help: "requests in flight on this server before new ones are refused",
  },
  {
    key: "watchesPerSessionMax",
    kind: "int",
    value: "<count>",
    defaultText: `${WATCHES_PER_SESSION_MAX_DEFAULT}`,
    help: "watch streams one client connection (the connection a session is attached on) may hold; more fail with QUOTAEXCEEDED",
  },
  {
    key: "watchProgressMs",
    kind: "int",
    value: "<ms>",
    defaultText: `${WATCH_PROGRESS_MS_DEFAULT}`,
    help: "a watch stream that has sent nothing this long gets a Progress event carrying the last applied zxid",
  },
  {
    key: "peerFrameBytesMax",
    kind: "int",
    value: "<bytes>",
    defaultText: `${64 * MiB} (64 MiB)`,
    help: "largest peer frame (a snapshot chunk must fit)",
  },
  {
    key: "peerSendQueueBytesMax",
    kind: "int",
    value: "<bytes>",
    defaultText: `${128 * MiB} (128 MiB)`,
    help: "unsent bytes per peer before the link is reset",
  },
  {
    key: "peerReconnectDelayMinMs",
    kind: "int",
    value: "<ms>",
    defaultText: "50",
    help: "first redial delay after a peer link fails",
  },
  {
    key: "peerReconnectDelayMaxMs",
    kind: "int",
    value: "<ms>",
    defaultText: "2000",
    help: "cap of the doubling, jittered redial delay",
  },
  {
    key: "snapshotEveryTxns",
    kind: "int",
    value: "<count>",
    defaultText: "100000",
    help: "txns logged between snapshots",
  },
  {
    key: "snapshotEveryBytes",
    kind: "int",
    value: "<bytes>",
    defaultText: "4194304",
    help: "bytes of txns logged between snapshots (at least; an eighth of the last snapshot's size when that is more)",
  },
  {
    key: "snapshotsToKeep",
    kind: "int",
    value: "<count>",
    defaultText: "3",
    help: "snapshots (and the log they need) kept on disk",
  },
  {
    key: "requestTimeoutMs",
    kind: "int",
    value: "<ms>",
    defaultText: "10000",
    help: "how long a write or sync waits for its commit before OPERATIONTIMEOUT",
  },
  {
    key: "historyTxnsMax",
    kind: "int",
    value: "<count>",
    defaultText: "10000",
    help: "applied txns kept in memory so watch streams can resume from a zxid",
  },
  {
    key: "logLevel",
    kind: "string",
    value: `<${logLevels.join("|")}>`,
    defaultText: "info",
    help: "log verbosity (JSON lines on stdout)",
  },
];

/** `ensembleId` → `--ensemble-id`; `peers` is the repeatable `--peer`. */
export function flagName(key: OptionKey): string {
  return key === "peers" ? "--peer" : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** `ensembleId` → `KEEL_ENSEMBLE_ID`. */
export function envName(key: OptionKey): string {
  return `KEEL_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

const configFileEnv = "KEEL_CONFIG";

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export interface ConfigInputs {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the --config file; injectable for tests. */
  readonly readFile?: (path: string) => string;
  /** Reads the peer secret file as bytes (a secret need not be UTF-8); injectable for tests. */
  readonly readSecretFile?: (path: string) => Uint8Array;
  /** Reads a TLS certificate, key or CA file; injectable for tests. */
  readonly readTlsFile?: (path: string) => Uint8Array;
  /** Printed by --version; defaults to apps/server/package.json's version. */
  readonly version?: string;
}

export type ConfigLoad =
  | { readonly type: "help"; readonly text: string }
  | { readonly type: "version"; readonly text: string }
  | {
      readonly type: "config";
      readonly config: ServerConfig;
      /** The peer secret read from `peerSecretFile`, kept out of `config` so that logging it never leaks the key. */
      readonly peerAuth: PeerAuth;
      /** The certificate, key and CA read from the tls*File options (undefined without TLS), kept out of `config` like the secret. */
      readonly tls: TlsMaterial | undefined;
      /** The built-in super user's password read from `superPasswordFile`, kept out of `config` like the secret. */
      readonly superPassword: string | undefined;
      /** `--check-config`: validate, log, exit 0 without starting. */
      readonly checkOnly: boolean;
      /** Non-fatal findings (unknown KEEL_* variables) for main to log. */
      readonly warnings: readonly string[];
    };

/** Parses and validates; throws ConfigError listing every problem found. */
export function loadConfig(inputs: ConfigInputs): ConfigLoad {
  const version = inputs.version ?? serverVersion();
  if (inputs.argv.includes("--help") || inputs.argv.includes("-h")) return { type: "help", text: helpText(version) };
  if (inputs.argv.includes("--version")) return { type: "version", text: `keel-server ${version}` };

  const problems: string[] = [];
  const flags = parseFlags(inputs.argv, problems);
  const envLayer = readEnvLayer(inputs.env, problems, flags.layer);
  const filePath = flags.configPath ?? inputs.env[configFileEnv];
  const fileLayer = filePath === undefined ? emptyLayer() : readFileLayer(filePath, inputs.readFile, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const merged = mergeLayers([flags.layer, envLayer.layer, fileLayer]);
  const config = validate(merged, problems);
  if (config === undefined || problems.length > 0) throw new ConfigError(problems);
  const peerAuth = readPeerAuth(config, merged.origins, inputs.readSecretFile, problems);
  if (peerAuth === undefined) throw new ConfigError(problems);
  const tls = readTls(config, merged.origins, inputs.readTlsFile, problems);
  const superPassword = readSuperPassword(config, merged.origins, inputs.readSecretFile, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  const warnings = [...envLayer.warnings];
  if (config.authRequired && config.superPasswordFile === undefined) {
    warnings.push(
      "authRequired without superPasswordFile: only users already in the ensemble can log in; give --super-password-file to create the first ones",
    );
  }
  if (config.insecurePeers && config.peers.length > 1) {
    warnings.push(
      "peer authentication is off (--insecure-peers): anyone who can reach the peer port can join this ensemble as a member; use it only on a trusted network",
    );
  }
  return { type: "config", config, peerAuth, tls, superPassword, checkOnly: flags.checkOnly, warnings };
}

/** Reads the TLS files and checks that they make a working context; undefined when TLS is off or a problem was pushed. */
function readTls(
  config: ServerConfig,
  origins: Partial<Record<OptionKey, string>>,
  readTlsFile: ((path: string) => Uint8Array) | undefined,
  problems: string[],
): TlsMaterial | undefined {
  if (config.tlsCertFile === undefined || config.tlsKeyFile === undefined) return undefined;
  const read = (key: "tlsCertFile" | "tlsKeyFile" | "tlsCaFile", path: string): Buffer | undefined => {
    const contents = readOptionFile(key, path, origins, readTlsFile, problems);
    if (contents === undefined) return undefined;
    if (contents.byteLength > tlsFileBytesMax) {
      const where = `${describe(key, origins)} ${path}`;
      problems.push(`${where}: is ${contents.byteLength} bytes, more than a PEM file holds; is it the right file?`);
      return undefined;
    }
    return Buffer.from(contents);
  };
  const cert = read("tlsCertFile", config.tlsCertFile);
  const key = read("tlsKeyFile", config.tlsKeyFile);
  const ca = config.tlsCaFile === undefined ? undefined : read("tlsCaFile", config.tlsCaFile);
  if (cert === undefined || key === undefined || (config.tlsCaFile !== undefined && ca === undefined)) return undefined;
  const material: TlsMaterial = { cert, key, ca };
  const check = checkTlsMaterial(material);
  if (check.type === "error") {
    const files = [config.tlsCertFile, config.tlsKeyFile, config.tlsCaFile].filter((file) => file !== undefined);
    problems.push(`TLS files (${files.join(", ")}) cannot be used: ${check.message}`);
    return undefined;
  }
  return material;
}

/** The super user's password: the file's text, surrounding whitespace trimmed, at least 12 characters. */
function readSuperPassword(
  config: ServerConfig,
  origins: Partial<Record<OptionKey, string>>,
  readSecretFile: ((path: string) => Uint8Array) | undefined,
  problems: string[],
): string | undefined {
  const path = config.superPasswordFile;
  if (path === undefined) return undefined;
  const contents = readOptionFile("superPasswordFile", path, origins, readSecretFile, problems);
  if (contents === undefined) return undefined;
  const password = Buffer.from(contents).toString("utf8").trim();
  if (password.length < SUPER_PASSWORD_CHARS_MIN || password.length > 1024) {
    problems.push(
      `${describe("superPasswordFile", origins)} ${path}: the password must be ${SUPER_PASSWORD_CHARS_MIN} to 1024 characters (create one with: openssl rand -base64 24 > super.password)`,
    );
    return undefined;
  }
  return password;
}

const SUPER_PASSWORD_CHARS_MIN = 12;

/** Reads and checks the secret file; undefined (with the problem pushed) when it cannot be used. */
function readPeerAuth(
  config: ServerConfig,
  origins: Partial<Record<OptionKey, string>>,
  readSecretFile: ((path: string) => Uint8Array) | undefined,
  problems: string[],
): PeerAuth | undefined {
  const path = config.peerSecretFile;
  if (path === undefined) return { type: "none" };
  const contents = readOptionFile("peerSecretFile", path, origins, readSecretFile, problems);
  if (contents === undefined) return undefined;
  const parsed = parsePeerSecret(contents);
  if (parsed.type === "error") {
    problems.push(`${describe("peerSecretFile", origins)} ${path}: ${parsed.message}`);
    return undefined;
  }
  return { type: "secret", key: parsed.key };
}

/** Reads the file option `key` names, as bytes; undefined (the problem pushed, naming the option) when it cannot be read. */
function readOptionFile(
  key: OptionKey,
  path: string,
  origins: Partial<Record<OptionKey, string>>,
  readFile: ((path: string) => Uint8Array) | undefined,
  problems: string[],
): Uint8Array | undefined {
  try {
    return (readFile ?? ((file: string) => readFileSync(file)))(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    problems.push(`${describe(key, origins)} ${path}: cannot read it (${reason})`);
    return undefined;
  }
}

/** A layer is one source's values plus, per key, a label naming where each came from. */
interface Layer {
  readonly values: Partial<Record<OptionKey, unknown>>;
  readonly origins: Partial<Record<OptionKey, string>>;
}

function emptyLayer(): Layer {
  return { values: {}, origins: {} };
}

function specFor(key: string): OptionSpec | undefined {
  return optionSpecs.find((spec) => spec.key === key);
}

const specsByFlag = new Map(optionSpecs.map((spec) => [flagName(spec.key), spec]));
const specsByEnv = new Map(optionSpecs.map((spec) => [envName(spec.key), spec]));

interface FlagParse {
  readonly layer: Layer;
  readonly configPath: string | undefined;
  readonly checkOnly: boolean;
}

function parseFlags(argv: readonly string[], problems: string[]): FlagParse {
  const layer: { values: Partial<Record<OptionKey, unknown>>; origins: Partial<Record<OptionKey, string>> } =
    emptyLayer();
  let configPath: string | undefined;
  let checkOnly = false;
  const peerTexts: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? "";
    if (!arg.startsWith("--")) {
      problems.push(`unexpected argument "${arg}" (options start with --; see --help)`);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = equals < 0 ? arg : arg.slice(0, equals);
    if (name === "--check-config") {
      if (equals >= 0) problems.push("--check-config takes no value");
      checkOnly = true;
      continue;
    }
    const spec = specsByFlag.get(name);
    if (spec === undefined && name !== "--config") {
      problems.push(`unknown flag ${name} (see --help)`);
      continue;
    }
    let value: string | undefined = equals < 0 ? undefined : arg.slice(equals + 1);
    if (value === undefined && spec?.kind === "boolean") value = "true";
    if (value === undefined) {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith("--")) {
        problems.push(`${name} needs a value`);
        continue;
      }
      value = next;
      index++;
    }
    if (spec === undefined) {
      if (configPath !== undefined) problems.push("--config given twice");
      configPath = value;
    } else if (spec.kind === "peers") {
      peerTexts.push(value);
    } else if (layer.values[spec.key] !== undefined) {
      problems.push(`${name} given twice`);
    } else {
      setFromText(layer, spec, value, name, problems);
    }
  }
  if (peerTexts.length > 0) setPeers(layer, peerTexts, "--peer", problems);
  return { layer, configPath, checkOnly };
}

/**
 * The KEEL_* variables. One whose option a flag already sets is not even parsed: the flag wins
 * anyway, and the environment is not always the operator's to choose (Kubernetes, with service
 * links on, sets KEEL_CLIENT_PORT=tcp://… for a Service named keel-client), so such a value must
 * not stop a server whose command line is right.
 */
function readEnvLayer(
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
  flags: Layer,
): { layer: Layer; warnings: string[] } {
  const layer = emptyLayer();
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith("KEEL_") || value === undefined || name === configFileEnv) continue;
    const spec = specsByEnv.get(name);
    if (spec === undefined) {
      // Other Keel tools share the KEEL_ prefix (turbo passes KEEL_* through), so this is a warning.
      warnings.push(`ignoring unknown environment variable ${name}`);
    } else if (flags.values[spec.key] !== undefined) {
      // Shadowed by its flag: not parsed, and not worth a warning (images set defaults in ENV
      // that a pod's args then repeat or override).
    } else if (spec.kind === "peers") {
      const texts = value
        .split(",")
        .map((text) => text.trim())
        .filter((text) => text.length > 0);
      setPeers(layer, texts, name, problems);
    } else {
      setFromText(layer, spec, value, name, problems);
    }
  }
  return { layer, warnings };
}

function setFromText(layer: Layer, spec: OptionSpec, text: string, origin: string, problems: string[]): void {
  const values = layer.values as Record<string, unknown>;
  const origins = layer.origins as Record<string, string>;
  if (spec.kind === "int") {
    const parsed = parseDecimal(text);
    if (parsed === undefined) {
      problems.push(`${origin}: expected a non-negative integer, got "${text}"`);
      return;
    }
    values[spec.key] = parsed;
  } else if (spec.kind === "boolean") {
    const parsed = booleanTexts.get(text);
    if (parsed === undefined) {
      problems.push(`${origin}: expected true or false, got "${text}"`);
      return;
    }
    values[spec.key] = parsed;
  } else {
    values[spec.key] = text;
  }
  origins[spec.key] = origin;
}

const booleanTexts = new Map([
  ["true", true],
  ["1", true],
  ["false", false],
  ["0", false],
]);

function setPeers(layer: Layer, texts: readonly string[], origin: string, problems: string[]): void {
  const peers: PeerAddress[] = [];
  for (const text of texts) {
    const parsed = parsePeerSpec(text);
    if (parsed.type === "error") problems.push(`${origin}: ${parsed.message}`);
    else peers.push(parsed.peer);
  }
  (layer.values as Record<string, unknown>).peers = peers;
  (layer.origins as Record<string, string>).peers = origin;
}

/** The file holds the same camelCase keys as ServerConfig; peers may be objects or `--peer` strings. */
function readFileLayer(path: string, readFile: ((path: string) => string) | undefined, problems: string[]): Layer {
  const origin = `config file ${path}`;
  let text: string;
  try {
    text = (readFile ?? ((p: string) => readFileSync(p, "utf8")))(path);
  } catch (error) {
    problems.push(`${origin}: cannot read it (${error instanceof Error ? error.message : String(error)})`);
    return emptyLayer();
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    problems.push(`${origin}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    return emptyLayer();
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    problems.push(`${origin}: expected a JSON object of options`);
    return emptyLayer();
  }
  const layer = emptyLayer();
  const values = layer.values as Record<string, unknown>;
  const origins = layer.origins as Record<string, string>;
  for (const [key, value] of Object.entries(json)) {
    if (specFor(key) === undefined) {
      problems.push(`${origin}: unknown key "${key}" (see docs/operations.md)`);
    } else if (key === "peers" && Array.isArray(value)) {
      const strings = value.filter((item): item is string => typeof item === "string");
      const parsedStrings: PeerAddress[] = [];
      for (const item of strings) {
        const parsed = parsePeerSpec(item);
        if (parsed.type === "error") problems.push(`${origin}: ${parsed.message}`);
        else parsedStrings.push(parsed.peer);
      }
      values.peers = [...value.filter((item) => typeof item !== "string"), ...parsedStrings];
      origins.peers = origin;
    } else {
      values[key] = value;
      origins[key] = origin;
    }
  }
  return layer;
}

function mergeLayers(highestFirst: readonly Layer[]): Layer {
  const merged = emptyLayer();
  const values = merged.values as Record<string, unknown>;
  const origins = merged.origins as Record<string, string>;
  for (const layer of [...highestFirst].reverse()) {
    Object.assign(values, layer.values);
    Object.assign(origins, layer.origins);
  }
  return merged;
}

function intIn(min: number, max: number) {
  const message = `must be an integer in ${min}..${max}`;
  return z.int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

const portSchema = intIn(1, 65_535);
const hostSchema = z
  .string({ error: "must be a host name or address" })
  .regex(/^[^\s/]{1,253}$/, { error: "must be a host name or address" });

const peerSchema = z.strictObject({
  id: intIn(1, 255),
  host: hostSchema,
  peerPort: portSchema,
  clientPort: portSchema,
  role: z.enum(peerRoles, { error: "role must be voter or observer" }).default("voter"),
});

/** Field-level checks; the cross-field rules live in crossCheck so each gets its own sentence. */
const mergedSchema = z.object({
  id: intIn(1, 255),
  ensembleId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { error: "must be 1–64 letters, digits, '.', '_' or '-'" })
    .default("keel"),
  dataDir: z.string().min(1, { error: "must not be empty" }),
  clientHost: hostSchema.default("127.0.0.1"),
  clientPort: portSchema.optional(),
  peerHost: hostSchema.optional(),
  peerPort: portSchema.optional(),
  peers: z.array(peerSchema).max(255).optional(),
  peerSecretFile: z.string().min(1, { error: "must not be empty" }).optional(),
  insecurePeers: z.boolean({ error: "must be true or false" }).default(false),
  join: z.boolean({ error: "must be true or false" }).default(false),
  tlsCertFile: z.string().min(1, { error: "must not be empty" }).optional(),
  tlsKeyFile: z.string().min(1, { error: "must not be empty" }).optional(),
  tlsCaFile: z.string().min(1, { error: "must not be empty" }).optional(),
  peerTls: z.boolean({ error: "must be true or false" }).default(false),
  clientTlsVerify: z.boolean({ error: "must be true or false" }).default(false),
  superPasswordFile: z.string().min(1, { error: "must not be empty" }).optional(),
  authRequired: z.boolean({ error: "must be true or false" }).default(false),
  consoleOrigins: z
    .string()
    .regex(/^(|https?:\/\/[^\s,/]+(,https?:\/\/[^\s,/]+)*)$/, {
      error: "must be comma-separated origins such as http://127.0.0.1:3000 (scheme and host, no path)",
    })
    .default(""),
  sessionsPerAddressMax: intIn(1, 1_000_000).default(1000),
  // 50 ms ticks and a 400 ms syncLimit: a frozen leader is replaced in about half a second
  // (docs/operations.md, "Timing"). Bounded work per turn keeps pings flowing well inside that
  // under full client load; the test ensembles have run at 50 ms ticks and 500 ms all along.
  tickMs: intIn(1, 60_000).default(50),
  initLimitTicks: intIn(1, 100_000).default(40),
  syncLimitTicks: intIn(2, 100_000).default(8),
  // A vote is re-sent after 4 ticks (200 ms): a failover that misses one exchange of
  // notifications (measured: about 2 in 5 kill -9 runs) then costs 200 ms, not 500.
  electionTimeoutTicks: intIn(1, 100_000).default(4),
  minSessionTimeoutMs: intIn(1, SESSION_TIMEOUT_MS_CEILING).optional(),
  maxSessionTimeoutMs: intIn(1, SESSION_TIMEOUT_MS_CEILING).optional(),
  // Bounds come from core's limits.ts, the one source every layer derives its limits from.
  dataBytesMax: intIn(1, DATA_BYTES_MAX_CEILING).default(DATA_BYTES_MAX_DEFAULT),
  requestBytesMax: intIn(1 * KiB, PEER_MESSAGE_BYTES_MAX).default(2 * MiB),
  connectionsMax: intIn(2, 1_000_000).default(1024),
  httpConnectionsReserved: intIn(1, 1_000_000).default(64),
  webSocketsPerAddressMax: intIn(1, 1_000_000).default(256),
  webSocketPingMs: intIn(100, 600_000).default(5000),
  pendingRequestsMax: intIn(1, 1_000_000).default(1000),
  zkPort: intIn(0, 65_535).default(2181),
  zkSecurePort: intIn(0, 65_535).default(0),
  zkHost: hostSchema.optional(),
  // Frames carry a header and the path beside the data, so ZooKeeper's default refuses data of exactly 1 MiB.
  zkMaxBufferBytes: intIn(1 * KiB, PEER_MESSAGE_BYTES_MAX).default(0xfffff),
  zkConnectionsPerAddressMax: intIn(1, 1_000_000).default(256),
  zkFourLetterWords: z
    .string()
    .regex(/^(\*|[a-z]{4}(,[a-z]{4})*)$/, { error: "must be * or comma-separated four-letter words" })
    .default("*"),
  watchesPerSessionMax: intIn(1, WATCHES_PER_SESSION_MAX_CEILING).default(WATCHES_PER_SESSION_MAX_DEFAULT),
  watchProgressMs: intIn(10, 600_000).default(WATCH_PROGRESS_MS_DEFAULT),
  peerFrameBytesMax: intIn(64 * KiB, PEER_MESSAGE_BYTES_MAX).default(PEER_MESSAGE_BYTES_MAX),
  peerSendQueueBytesMax: intIn(64 * KiB, 4096 * MiB).default(128 * MiB),
  peerReconnectDelayMinMs: intIn(1, 60_000).default(50),
  peerReconnectDelayMaxMs: intIn(1, 600_000).default(2000),
  snapshotEveryTxns: intIn(1, 1_000_000_000).default(100_000),
  snapshotEveryBytes: intIn(1 * KiB, 1024 * 1024 * MiB).default(4 * MiB),
  snapshotsToKeep: intIn(1, 1000).default(3),
  requestTimeoutMs: intIn(100, 600_000).default(10_000),
  historyTxnsMax: intIn(1, 10_000_000).default(HISTORY_TXNS_MAX_DEFAULT),
  logLevel: z.enum(logLevels, { error: `must be one of ${logLevels.join(", ")}` }).default("info"),
});

type MergedConfig = z.infer<typeof mergedSchema>;

function describe(key: string, origins: Partial<Record<OptionKey, string>>): string {
  const origin = origins[key as OptionKey];
  return origin === undefined ? key : `${key} (from ${origin})`;
}

function validate(layer: Layer, problems: string[]): ServerConfig | undefined {
  const parsed = mergedSchema.safeParse(layer.values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [key, ...rest] = issue.path.map(String);
      if (key !== undefined && layer.values[key as OptionKey] === undefined) {
        problems.push(
          `${key} is required (${flagName(key as OptionKey)}, ${envName(key as OptionKey)} or the config file)`,
        );
      } else {
        const where = key === undefined ? "config" : describe(key, layer.origins);
        const inner = rest.length > 0 ? ` [${rest.join(".")}]` : "";
        problems.push(`${where}${inner}: ${issue.message}`);
      }
    }
    return undefined;
  }
  return resolve(parsed.data, layer.origins, problems);
}

/** Fills the defaults that depend on other fields, then applies the cross-field rules. */
function resolve(
  merged: MergedConfig,
  origins: Partial<Record<OptionKey, string>>,
  problems: string[],
): ServerConfig | undefined {
  const listed = merged.peers !== undefined;
  const own = merged.peers?.find((peer) => peer.id === merged.id);
  if (listed && own === undefined) {
    const ids = (merged.peers ?? []).map((peer) => peer.id).join(", ");
    problems.push(`this server's id ${merged.id} is not in the --peer list (ids: ${ids})`);
    return undefined;
  }
  const peerHost = merged.peerHost ?? own?.host ?? "127.0.0.1";
  const peerPort = merged.peerPort ?? own?.peerPort ?? standalonePeerPort;
  const clientPort = merged.clientPort ?? own?.clientPort ?? standaloneClientPort;
  const peers = merged.peers ?? [{ id: merged.id, host: peerHost, peerPort, clientPort, role: "voter" as const }];
  const config: ServerConfig = {
    ...merged,
    peerSecretFile: merged.peerSecretFile,
    tlsCertFile: merged.tlsCertFile,
    tlsKeyFile: merged.tlsKeyFile,
    tlsCaFile: merged.tlsCaFile,
    superPasswordFile: merged.superPasswordFile,
    peerHost,
    peerPort,
    clientPort,
    zkHost: merged.zkHost ?? merged.clientHost,
    peers: [...peers].sort((a, b) => a.id - b.id).map((peer) => Object.freeze({ ...peer })),
    minSessionTimeoutMs: merged.minSessionTimeoutMs ?? Math.max(2 * merged.tickMs, minSessionTimeoutFloorMs),
    maxSessionTimeoutMs: merged.maxSessionTimeoutMs ?? Math.max(20 * merged.tickMs, maxSessionTimeoutFloorMs),
  };
  problems.push(...crossCheck(config, origins));
  if (problems.length > 0) return undefined;
  Object.freeze(config.peers);
  return Object.freeze(config);
}

/** Each rule returns its own sentence so an operator sees exactly which setting to fix. */
export function crossCheck(config: ServerConfig, origins: Partial<Record<OptionKey, string>> = {}): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const peer of config.peers) {
    if (seen.has(peer.id)) problems.push(`peer ${peer.id} is listed twice`);
    seen.add(peer.id);
    if (peer.peerPort === peer.clientPort) {
      problems.push(`peer ${peer.id}: clientPort and peerPort collide (both ${peer.peerPort})`);
    }
  }
  problems.push(...addressCollisions(config.peers));
  // The bootstrap ensemble: a joining server's own entry is not in it (membership changes may later
  // make any number of voters; this rule is for the list every first member starts with).
  const voters = config.peers.filter((peer) => peer.role === "voter" && !(config.join && peer.id === config.id));
  if (config.join && config.peers.length < 2) {
    problems.push("--join needs the --peer list of the running ensemble to find it");
  }
  if (voters.length === 0 || voters.length % 2 === 0) {
    problems.push(
      `an ensemble needs an odd number of voters ≥ 1 (got ${voters.length}: ${voters.map((p) => p.id).join(", ") || "none"})`,
    );
  }
  if (config.clientPort === config.peerPort) {
    problems.push(`clientPort and peerPort collide (both ${config.clientPort})`);
  }
  problems.push(...peerAuthProblems(config));
  problems.push(...tlsProblems(config));
  if (config.zkPort !== 0 && (config.zkPort === config.clientPort || config.zkPort === config.peerPort)) {
    problems.push(`zkPort ${config.zkPort} collides with the client or peer port (use --zk-port 0 to turn it off)`);
  }
  if (config.initLimitTicks < config.syncLimitTicks) {
    problems.push(
      `${describe("initLimitTicks", origins)} is ${config.initLimitTicks} but must be ≥ syncLimitTicks (${config.syncLimitTicks}): syncing a learner takes at least as long as staying in touch`,
    );
  }
  if (config.minSessionTimeoutMs < 2 * config.tickMs) {
    problems.push(
      `${describe("minSessionTimeoutMs", origins)} is ${config.minSessionTimeoutMs} but must be ≥ 2 × tickMs (${2 * config.tickMs}): expiry is checked once per tick`,
    );
  }
  if (config.maxSessionTimeoutMs < config.minSessionTimeoutMs) {
    problems.push(
      `maxSessionTimeoutMs (${config.maxSessionTimeoutMs}) must be ≥ minSessionTimeoutMs (${config.minSessionTimeoutMs})`,
    );
  }
  if (config.requestBytesMax <= config.dataBytesMax) {
    problems.push(
      `requestBytesMax (${config.requestBytesMax}) must exceed dataBytesMax (${config.dataBytesMax}): a request carries the data plus its path and framing`,
    );
  }
  // The largest txn (dataBytesMax of data plus path, ACL and framing) must travel in one PROPOSAL,
  // and a snapshot chunk holds up to SNAPSHOT_CHUNK_BYTES_TARGET plus one such node: a frame too
  // small for either would stall replication at the first big write or the first SNAP sync.
  const largestFrameNeeded = config.dataBytesMax + TXN_OVERHEAD_BYTES_MAX + SNAPSHOT_CHUNK_BYTES_TARGET;
  if (config.peerFrameBytesMax < largestFrameNeeded) {
    problems.push(
      `${describe("peerFrameBytesMax", origins)} is ${config.peerFrameBytesMax}, too small to carry the largest txn and a snapshot chunk: it must be ≥ dataBytesMax (${config.dataBytesMax}) + ${TXN_OVERHEAD_BYTES_MAX} (path, ACL, framing) + ${SNAPSHOT_CHUNK_BYTES_TARGET} (a snapshot chunk) = ${largestFrameNeeded}`,
    );
  }
  // Binary data arrives as base64 in a JSON body: 4 characters for every 3 bytes.
  const largestRequest = base64CharsFor(config.dataBytesMax) + TXN_OVERHEAD_BYTES_MAX;
  if (config.requestBytesMax < largestRequest) {
    problems.push(
      `requestBytesMax (${config.requestBytesMax}) is too small for dataBytesMax (${config.dataBytesMax}): as base64 with its path and ACL, the largest write is up to ${largestRequest} bytes`,
    );
  }
  if (config.httpConnectionsReserved >= config.connectionsMax) {
    problems.push(
      `httpConnectionsReserved (${config.httpConnectionsReserved}) must be < connectionsMax (${config.connectionsMax}): WebSockets would get no connection at all`,
    );
  }
  if (config.peerFrameBytesMax <= config.requestBytesMax) {
    problems.push(
      `peerFrameBytesMax (${config.peerFrameBytesMax}) must exceed requestBytesMax (${config.requestBytesMax}): a follower forwards whole requests to the leader`,
    );
  }
  if (config.peerSendQueueBytesMax < config.peerFrameBytesMax) {
    problems.push(
      `peerSendQueueBytesMax (${config.peerSendQueueBytesMax}) must be ≥ peerFrameBytesMax (${config.peerFrameBytesMax}): one largest frame must fit`,
    );
  }
  if (config.peerReconnectDelayMaxMs < config.peerReconnectDelayMinMs) {
    problems.push(
      `peerReconnectDelayMaxMs (${config.peerReconnectDelayMaxMs}) must be ≥ peerReconnectDelayMinMs (${config.peerReconnectDelayMinMs})`,
    );
  }
  return problems;
}

/** Members must prove a shared secret to each other unless the operator explicitly chose not to. */
function peerAuthProblems(config: ServerConfig): string[] {
  if (config.peerSecretFile !== undefined && config.insecurePeers) {
    return ["peerSecretFile and insecurePeers contradict each other: give one of them"];
  }
  if (config.peers.length > 1 && config.peerSecretFile === undefined && !config.insecurePeers) {
    return [
      `an ensemble of ${config.peers.length} members needs a shared peer secret, so that nothing else can join its quorum: create one with \`${peerSecretHowTo}\`, copy it to every member and pass --peer-secret-file peer.secret (or KEEL_PEER_SECRET_FILE); or, on a trusted network only, pass --insecure-peers to every member`,
    ];
  }
  return [];
}

/** Which TLS files each TLS option needs; the files' contents are checked later, in readTls. */
function tlsProblems(config: ServerConfig): string[] {
  const problems: string[] = [];
  const hasPair = config.tlsCertFile !== undefined && config.tlsKeyFile !== undefined;
  if (config.tlsCertFile !== undefined && config.tlsKeyFile === undefined) {
    problems.push("tlsCertFile is given without tlsKeyFile: give both (--tls-cert-file and --tls-key-file) or neither");
  }
  if (config.tlsKeyFile !== undefined && config.tlsCertFile === undefined) {
    problems.push("tlsKeyFile is given without tlsCertFile: give both (--tls-cert-file and --tls-key-file) or neither");
  }
  if (config.tlsCaFile !== undefined && !hasPair) {
    problems.push(
      "tlsCaFile is given without tlsCertFile and tlsKeyFile: a CA is only used to check certificates under TLS",
    );
  }
  const mutual = (key: "peerTls" | "clientTlsVerify", why: string) => {
    if (config[key] && (!hasPair || config.tlsCaFile === undefined)) {
      problems.push(`${key} needs --tls-cert-file, --tls-key-file and --tls-ca-file: ${why}`);
    }
  };
  mutual("peerTls", "each member presents its certificate and checks the other's against the CA");
  mutual("clientTlsVerify", "clients' certificates are checked against the CA, over a TLS client port");
  if (config.zkSecurePort !== 0 && !hasPair) {
    problems.push("zkSecurePort needs --tls-cert-file and --tls-key-file: it serves the ZooKeeper protocol inside TLS");
  }
  const ports = [config.zkPort, config.clientPort, config.peerPort];
  if (config.zkSecurePort !== 0 && ports.includes(config.zkSecurePort)) {
    problems.push(`zkSecurePort ${config.zkSecurePort} collides with the ZooKeeper, client or peer port`);
  }
  return problems;
}

function addressCollisions(peers: readonly PeerAddress[]): string[] {
  const problems: string[] = [];
  const owners = new Map<string, number>();
  for (const peer of peers) {
    for (const port of [peer.peerPort, peer.clientPort]) {
      const address = `${peer.host}:${port}`;
      const owner = owners.get(address);
      if (owner !== undefined && owner !== peer.id) problems.push(`peers ${owner} and ${peer.id} both use ${address}`);
      owners.set(address, peer.id);
    }
  }
  return problems;
}

/** The --help text, generated from optionSpecs so it cannot drift from what is parsed. */
export function helpText(version: string = serverVersion()): string {
  const lines = [
    `keel-server ${version}: one replica of a Keel ensemble`,
    "",
    "Usage: keel-server --id <n> --data-dir <dir> [--peer <spec>]... [options]",
    "",
    "Every option can also come from an environment variable or a JSON config file (same camelCase keys).",
    "Precedence: flags > environment > config file > defaults.",
    "",
    "Options:",
  ];
  for (const spec of optionSpecs) {
    lines.push(`  ${flagName(spec.key)}${spec.value === "" ? "" : ` ${spec.value}`}`);
    lines.push(`      ${spec.help}. Env ${envName(spec.key)}. Default: ${spec.defaultText}.`);
  }
  lines.push(
    `  --config <file.json>`,
    `      read options from a JSON file. Env ${configFileEnv}.`,
    "  --check-config",
    "      validate the configuration, log it and exit 0 (exit 2 on a bad configuration)",
    "  --help, -h",
    "      print this text",
    "  --version",
    "      print the version",
    "",
    "Example (a 3-voter ensemble, server 1; peer.secret is the same file on every member):",
    "  keel-server --id 1 --data-dir ./data/1 --peer-secret-file peer.secret \\",
    "    --peer 1=127.0.0.1:7001:8001 --peer 2=127.0.0.1:7002:8002 --peer 3=127.0.0.1:7003:8003",
    "",
    "See docs/operations.md for details.",
  );
  return `${lines.join("\n")}\n`;
}

let cachedVersion: string | undefined;

/** apps/server/package.json's version; the file sits one level above both src/ and dist/. */
export function serverVersion(): string {
  if (cachedVersion === undefined) {
    try {
      const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
      const parsed = z.object({ version: z.string() }).safeParse(JSON.parse(text));
      cachedVersion = parsed.success ? parsed.data.version : "unknown";
    } catch {
      cachedVersion = "unknown";
    }
  }
  return cachedVersion;
}
