// Checks loadConfig: precedence flags > env > file > defaults, derived defaults, the frozen result,
// and that each bad configuration is refused with its own specific message. Pure: argv, env and the
// config file are passed in, nothing touches process.env or the disk. The TLS cases read certificates
// that openssl made in a temp directory (peer/test-certificates.ts) and hand them in through readTlsFile.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConfigError,
  type ConfigLoad,
  envName,
  flagName,
  helpText,
  loadConfig,
  optionSpecs,
  type ServerConfig,
} from "./config.js";
import { makeTestCertificates, type TestCertificates } from "./peer/test-certificates.js";

/** Every multi-member configuration needs a peer secret (or --insecure-peers); this one is read from `secrets`. */
const withSecret = ["--peer-secret-file", "peer.secret"];
const secretText = `${"ab".repeat(32)}\n`;
const secrets: Record<string, string> = {
  "peer.secret": secretText,
  "short.secret": "too-short\n",
  "super.password": "  correct-horse-battery\n",
};
/** TLS files by the names the tests use; filled from openssl's output before the TLS tests run. */
const tlsFiles: Record<string, Uint8Array> = { "not.pem": new TextEncoder().encode("not a certificate\n") };

const threePeers = [
  ...withSecret,
  "--peer",
  "1=127.0.0.1:7001:8001",
  "--peer",
  "2=127.0.0.1:7002:8002",
  "--peer",
  "3=127.0.0.1:7003:8003",
];

function load(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): ConfigLoad {
  return loadConfig({
    argv,
    env,
    version: "9.9.9",
    readSecretFile: (path) => {
      const text = secrets[path];
      if (text === undefined) throw new Error(`ENOENT: no such file ${path}`);
      return new TextEncoder().encode(text);
    },
    readTlsFile: (path) => {
      const contents = tlsFiles[path];
      if (contents === undefined) throw new Error(`ENOENT: no such file ${path}`);
      return contents;
    },
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file ${path}`);
      return text;
    },
  });
}

function config(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): ServerConfig {
  const result = load(argv, env, files);
  if (result.type !== "config") throw new Error(`expected a config, got ${result.type}`);
  return result.config;
}

function problemsOf(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): string {
  try {
    load(argv, env, files);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("sets the watch streams' Progress interval from --watch-progress-ms or KEEL_WATCH_PROGRESS_MS, 2000 by default", () => {
    const base = ["--id", "1", "--data-dir", "/tmp/k1"];
    expect(config(base).watchProgressMs).toBe(2000);
    expect(config([...base, "--watch-progress-ms", "250"]).watchProgressMs).toBe(250);
    expect(config(base, { KEEL_WATCH_PROGRESS_MS: "5000" }).watchProgressMs).toBe(5000);
    expect(problemsOf([...base, "--watch-progress-ms", "5"])).toMatch(/watchProgressMs/);
  });

  it("takes ports from this server's --peer entry and fills the defaults", () => {
    const result = config(["--id", "2", "--data-dir", "/tmp/k2", ...threePeers]);
    expect(result).toMatchObject({
      id: 2,
      ensembleId: "keel",
      clientHost: "127.0.0.1",
      clientPort: 8002,
      peerHost: "127.0.0.1",
      peerPort: 7002,
      tickMs: 50,
      initLimitTicks: 40,
      syncLimitTicks: 8,
      minSessionTimeoutMs: 2000,
      maxSessionTimeoutMs: 60_000,
      dataBytesMax: 1024 * 1024,
      snapshotEveryTxns: 100_000,
      snapshotEveryBytes: 4 * 1024 * 1024,
      snapshotsToKeep: 3,
      logLevel: "info",
    });
    expect(result.peers.map((peer) => peer.id)).toEqual([1, 2, 3]);
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.peers)).toBe(true);
    expect(Object.isFrozen(result.peers[0])).toBe(true);
  });

  it("runs a single server alone when no peers are given", () => {
    const result = config(["--id", "1", "--data-dir", "d"]);
    expect(result.peers).toEqual([{ id: 1, host: "127.0.0.1", peerPort: 7001, clientPort: 8001, role: "voter" }]);
  });

  it("scales session timeout defaults with the tick above the floors", () => {
    const result = config(["--id", "1", "--data-dir", "d", "--tick-ms", "5000"]);
    expect(result.minSessionTimeoutMs).toBe(10_000);
    expect(result.maxSessionTimeoutMs).toBe(100_000);
  });

  it("applies flags over env over file over defaults", () => {
    const file = JSON.stringify({ id: 1, dataDir: "from-file", tickMs: 50, syncLimitTicks: 4, logLevel: "warn" });
    const env = { KEEL_CONFIG: "keel.json", KEEL_TICK_MS: "75", KEEL_LOG_LEVEL: "debug" };
    const result = config(["--log-level=error"], env, { "keel.json": file });
    expect(result.dataDir).toBe("from-file");
    expect(result.syncLimitTicks).toBe(4);
    expect(result.tickMs).toBe(75);
    expect(result.logLevel).toBe("error");
  });

  it("lets --peer flags replace the file's peer list, and accepts peer strings and objects in the file", () => {
    const file = JSON.stringify({
      id: 1,
      dataDir: "d",
      peers: [{ id: 1, host: "10.0.0.1", peerPort: 7001, clientPort: 8001 }, "4=10.0.0.4:7004:8004:observer"],
    });
    const fromFile = config(["--config", "k.json", ...withSecret], {}, { "k.json": file });
    expect(fromFile.peers.map((peer) => [peer.id, peer.role])).toEqual([
      [1, "voter"],
      [4, "observer"],
    ]);
    expect(fromFile.peerHost).toBe("10.0.0.1");
    const fromFlags = config(["--config", "k.json", ...threePeers], {}, { "k.json": file });
    expect(fromFlags.peers.map((peer) => peer.id)).toEqual([1, 2, 3]);
  });

  it("reads KEEL_PEERS as a comma-separated list", () => {
    const env = {
      KEEL_ID: "3",
      KEEL_DATA_DIR: "d",
      KEEL_PEERS: "1=h:7001:8001, 2=h:7002:8002,3=h:7003:8003",
      KEEL_PEER_SECRET_FILE: "peer.secret",
    };
    expect(config([], env).peers.map((peer) => peer.host)).toEqual(["h", "h", "h"]);
  });

  it("warns about unknown KEEL_* variables instead of failing", () => {
    const result = load(["--id", "1", "--data-dir", "d"], { KEEL_CLIENTPORT: "1" });
    expect(result.type === "config" && result.warnings).toEqual([
      "ignoring unknown environment variable KEEL_CLIENTPORT",
    ]);
  });

  it("leaves a variable whose flag is given unparsed: the flag wins, and a bad value cannot stop the server", () => {
    // Kubernetes' service links set KEEL_CLIENT_PORT=tcp://… for a Service named keel-client.
    const result = load(["--id", "1", "--data-dir", "d", "--client-port", "8001"], {
      KEEL_CLIENT_PORT: "tcp://10.0.0.7:8001",
    });
    if (result.type !== "config") throw new Error("expected a config");
    expect(result.config.clientPort).toBe(8001);
    expect(result.warnings).toEqual([]);
    // Without the flag the same value is refused, naming the variable.
    expect(() => load(["--id", "1", "--data-dir", "d"], { KEEL_CLIENT_PORT: "tcp://10.0.0.7:8001" })).toThrow(
      /KEEL_CLIENT_PORT: expected a non-negative integer/,
    );
  });

  it("reads the peer secret into peerAuth, never into the config that gets logged", () => {
    const result = load(["--id", "2", "--data-dir", "d", ...threePeers]);
    if (result.type !== "config") throw new Error("expected a config");
    expect(result.peerAuth).toEqual({ type: "secret", key: new TextEncoder().encode("ab".repeat(32)) });
    expect(result.config.peerSecretFile).toBe("peer.secret");
    expect(JSON.stringify(result.config)).not.toContain("abab");
    expect(result.warnings).toEqual([]);
  });

  it("runs peers without a secret only with --insecure-peers, and warns", () => {
    const peers = threePeers.slice(withSecret.length);
    for (const result of [
      load(["--id", "1", "--data-dir", "d", "--insecure-peers", ...peers]),
      load(["--id", "1", "--data-dir", "d", ...peers], { KEEL_INSECURE_PEERS: "true" }),
    ]) {
      if (result.type !== "config") throw new Error("expected a config");
      expect(result.config.insecurePeers).toBe(true);
      expect(result.peerAuth).toEqual({ type: "none" });
      expect(result.warnings.join("\n")).toContain("peer authentication is off (--insecure-peers)");
    }
    const fromFile = load(
      ["--id", "1", "--data-dir", "d", "--config", "k.json", ...peers],
      {},
      {
        "k.json": '{"insecurePeers": true}',
      },
    );
    expect(fromFile.type === "config" && fromFile.config.insecurePeers).toBe(true);
  });

  it("reads the super password (trimmed) outside the logged config, and refuses a short one", () => {
    const result = load(["--id", "1", "--data-dir", "d", "--super-password-file", "super.password", "--auth-required"]);
    if (result.type !== "config") throw new Error("expected a config");
    expect(result.superPassword).toBe("correct-horse-battery");
    expect(result.config).toMatchObject({ authRequired: true, superPasswordFile: "super.password" });
    expect(JSON.stringify(result.config)).not.toContain("horse");
    expect(() => load(["--id", "1", "--data-dir", "d", "--super-password-file", "short.secret"])).toThrow(
      /superPasswordFile \(from --super-password-file\) short.secret: the password must be 12 to 1024 characters/,
    );
    const unguarded = load(["--id", "1", "--data-dir", "d", "--auth-required"]);
    expect(unguarded.type === "config" && unguarded.warnings.join("\n")).toContain(
      "authRequired without superPasswordFile",
    );
  });

  it("takes console origins as comma-separated scheme://host[:port] and refuses a path", () => {
    const result = load([
      "--id",
      "1",
      "--data-dir",
      "d",
      "--console-origins",
      "http://127.0.0.1:3000,https://keel.example",
    ]);
    expect(result.type === "config" && result.config.consoleOrigins).toBe("http://127.0.0.1:3000,https://keel.example");
    expect(() => load(["--id", "1", "--data-dir", "d", "--console-origins", "http://console.example/app"])).toThrow(
      /consoleOrigins \(from --console-origins\): must be comma-separated origins/,
    );
  });

  it("needs no secret for a one-member ensemble", () => {
    const result = load(["--id", "1", "--data-dir", "d"]);
    expect(result.type === "config" && result.peerAuth).toEqual({ type: "none" });
    expect(result.type === "config" && result.warnings).toEqual([]);
  });

  it("reports --help, --version and --check-config", () => {
    expect(load(["--id", "x", "--help"]).type).toBe("help");
    expect(load(["--version"])).toEqual({ type: "version", text: "keel-server 9.9.9" });
    const checked = load(["--id", "1", "--data-dir", "d", "--check-config"]);
    expect(checked.type === "config" && checked.checkOnly).toBe(true);
  });
});

describe("loadConfig refuses a bad configuration", () => {
  const cases: [string, string[], string][] = [
    [
      "a duplicate peer",
      ["--id", "1", "--data-dir", "d", ...threePeers, "--peer", "2=127.0.0.9:7009:8009"],
      "peer 2 is listed twice",
    ],
    [
      "an id missing from the peer list",
      ["--id", "4", "--data-dir", "d", ...threePeers],
      "this server's id 4 is not in the --peer list",
    ],
    [
      "an even number of voters",
      ["--id", "1", "--data-dir", "d", ...threePeers.slice(0, withSecret.length + 4)],
      "an ensemble needs an odd number of voters ≥ 1 (got 2: 1, 2)",
    ],
    [
      "colliding ports",
      ["--id", "1", "--data-dir", "d", "--client-port", "7001", "--peer-port", "7001"],
      "clientPort and peerPort collide (both 7001)",
    ],
    ["an unknown flag", ["--id", "1", "--data-dir", "d", "--tick", "5"], "unknown flag --tick (see --help)"],
    [
      "a non-integer",
      ["--id", "1", "--data-dir", "d", "--tick-ms", "1e3"],
      '--tick-ms: expected a non-negative integer, got "1e3"',
    ],
    ["an id out of range", ["--id", "300", "--data-dir", "d"], "id (from --id): must be an integer in 1..255"],
    ["a missing id", ["--data-dir", "d"], "id is required (--id, KEEL_ID or the config file)"],
    ["a missing value", ["--data-dir"], "--data-dir needs a value"],
    ["a repeated flag", ["--id", "1", "--id", "2", "--data-dir", "d"], "--id given twice"],
    ["a positional argument", ["serve"], 'unexpected argument "serve"'],
    [
      "a bad peer spec",
      ["--id", "1", "--data-dir", "d", "--peer", "1=h:70x1:8001"],
      'bad peer "1=h:70x1:8001": ports must be integers',
    ],
    ["a bad role", ["--id", "1", "--data-dir", "d", "--peer", "1=h:7001:8001:leader"], 'unknown role "leader"'],
    [
      "initLimit below syncLimit",
      ["--id", "1", "--data-dir", "d", "--init-limit-ticks", "5"],
      "initLimitTicks (from --init-limit-ticks) is 5 but must be ≥ syncLimitTicks (8)",
    ],
    [
      "session timeouts inverted",
      ["--id", "1", "--data-dir", "d", "--max-session-timeout-ms", "1000"],
      "maxSessionTimeoutMs (1000) must be ≥ minSessionTimeoutMs (2000)",
    ],
    [
      "requests smaller than data",
      ["--id", "1", "--data-dir", "d", "--data-bytes-max", "4194304"],
      "requestBytesMax (2097152) must exceed dataBytesMax (4194304)",
    ],
    [
      "a peer frame too small for the largest txn and a snapshot chunk",
      [
        "--id",
        "1",
        "--data-dir",
        "d",
        "--data-bytes-max",
        String(100 * 1024),
        "--request-bytes-max",
        String(300 * 1024),
        "--peer-frame-bytes-max",
        String(512 * 1024),
      ],
      "peerFrameBytesMax (from --peer-frame-bytes-max) is 524288, too small to carry the largest txn and a snapshot chunk",
    ],
    [
      "a request too small for dataBytesMax as base64",
      ["--id", "1", "--data-dir", "d", "--data-bytes-max", String(1536 * 1024)],
      "requestBytesMax (2097152) is too small for dataBytesMax (1572864)",
    ],
    [
      "data over the ceiling every layer shares",
      ["--id", "1", "--data-dir", "d", "--data-bytes-max", String(256 * 1024 * 1024)],
      "dataBytesMax (from --data-bytes-max): must be an integer in 1..16777216",
    ],
    [
      "a peer frame over what the codec accepts",
      ["--id", "1", "--data-dir", "d", "--peer-frame-bytes-max", String(1024 * 1024 * 1024)],
      "peerFrameBytesMax (from --peer-frame-bytes-max): must be an integer in 65536..67108864",
    ],
    [
      "an HTTP reserve that leaves WebSockets nothing",
      ["--id", "1", "--data-dir", "d", "--connections-max", "10", "--http-connections-reserved", "10"],
      "httpConnectionsReserved (10) must be < connectionsMax (10)",
    ],
    [
      "a bad log level",
      ["--id", "1", "--data-dir", "d", "--log-level", "loud"],
      "logLevel (from --log-level): must be one of fatal",
    ],
    [
      "two peers on one address",
      ["--id", "1", "--data-dir", "d", "--peer", "1=h:7001:8001", "--peer", "2=h:7001:8002", "--peer", "3=h:7003:8003"],
      "peers 1 and 2 both use h:7001",
    ],
  ];
  for (const [name, argv, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(problemsOf(argv)).toContain(message);
    });
  }

  const peerAuthCases: [string, string[], Record<string, string>, string][] = [
    [
      "several members without a peer secret, saying how to make one",
      ["--id", "1", "--data-dir", "d", ...threePeers.slice(withSecret.length)],
      {},
      "an ensemble of 3 members needs a shared peer secret, so that nothing else can join its quorum: create one with `openssl rand -hex 32 > peer.secret",
    ],
    [
      "a missing secret file",
      ["--id", "1", "--data-dir", "d", "--peer-secret-file", "nowhere.secret"],
      {},
      "peerSecretFile (from --peer-secret-file) nowhere.secret: cannot read it (ENOENT",
    ],
    [
      "a secret shorter than 32 bytes",
      ["--id", "1", "--data-dir", "d"],
      { KEEL_PEER_SECRET_FILE: "short.secret" },
      "peerSecretFile (from KEEL_PEER_SECRET_FILE) short.secret: holds 9 bytes, fewer than the 32 a peer secret needs",
    ],
    [
      "a secret and --insecure-peers together",
      ["--id", "1", "--data-dir", "d", "--insecure-peers", ...threePeers],
      {},
      "peerSecretFile and insecurePeers contradict each other",
    ],
    [
      "a bad boolean",
      ["--id", "1", "--data-dir", "d", "--insecure-peers=maybe"],
      {},
      '--insecure-peers: expected true or false, got "maybe"',
    ],
    [
      "a bad boolean in the environment",
      ["--id", "1", "--data-dir", "d"],
      { KEEL_INSECURE_PEERS: "yes" },
      "KEEL_INSECURE_PEERS: expected true or false",
    ],
  ];
  for (const [name, argv, env, message] of peerAuthCases) {
    it(`refuses ${name}`, () => {
      expect(problemsOf(argv, env)).toContain(message);
    });
  }

  it("allows observers beside an odd number of voters", () => {
    const peers = [...threePeers, "--peer", "4=127.0.0.1:7004:8004:observer"];
    expect(config(["--id", "4", "--data-dir", "d", ...peers]).peers).toHaveLength(4);
  });

  it("names the env variable or file a bad value came from", () => {
    expect(problemsOf(["--id", "1", "--data-dir", "d"], { KEEL_SNAPSHOTS_TO_KEEP: "0" })).toContain(
      "snapshotsToKeep (from KEEL_SNAPSHOTS_TO_KEEP): must be an integer in 1..1000",
    );
    const file = JSON.stringify({ id: 1, dataDir: "d", clientPot: 1 });
    expect(problemsOf(["--config", "k.json"], {}, { "k.json": file })).toContain(
      'config file k.json: unknown key "clientPot"',
    );
    expect(problemsOf(["--config", "k.json"], {}, { "k.json": "{" })).toContain("config file k.json: not valid JSON");
    expect(problemsOf(["--config", "missing.json"])).toContain("config file missing.json: cannot read it");
    const typed = JSON.stringify({ id: 1, dataDir: "d", tickMs: "100" });
    expect(problemsOf(["--config", "k.json"], {}, { "k.json": typed })).toContain("tickMs (from config file k.json)");
  });

  it("lists every problem of a stage at once", () => {
    const flagErrors = problemsOf(["--bogus", "1", "--tick-ms", "x"]);
    expect(flagErrors).toContain("unknown flag --bogus");
    expect(flagErrors).toContain("--tick-ms: expected a non-negative integer");
    const valueErrors = problemsOf(["--id", "0", "--snapshots-to-keep", "0"]);
    expect(valueErrors.split("\n")).toHaveLength(3);
  });
});

describe("TLS options", () => {
  let certificates: TestCertificates;
  const base = ["--id", "1", "--data-dir", "d"];
  const pair = ["--tls-cert-file", "member.pem", "--tls-key-file", "member.key"];
  const mutual = [...pair, "--tls-ca-file", "ca.pem"];

  beforeAll(() => {
    certificates = makeTestCertificates();
    tlsFiles["member.pem"] = readFileSync(certificates.member.certFile);
    tlsFiles["member.key"] = readFileSync(certificates.member.keyFile);
    tlsFiles["client.key"] = readFileSync(certificates.client.keyFile);
    tlsFiles["ca.pem"] = readFileSync(certificates.caFile);
  });

  afterAll(() => certificates.remove());

  it("reads the certificate, key and CA into tls, never into the config that gets logged", () => {
    const result = load([...base, ...mutual, "--peer-tls", "--client-tls-verify"]);
    if (result.type !== "config") throw new Error("expected a config");
    expect(result.config).toMatchObject({ tlsCertFile: "member.pem", peerTls: true, clientTlsVerify: true });
    expect(result.tls?.key.equals(Buffer.from(tlsFiles["member.key"] as Uint8Array))).toBe(true);
    expect(result.tls?.ca?.equals(Buffer.from(tlsFiles["ca.pem"] as Uint8Array))).toBe(true);
    expect(JSON.stringify(result.config)).not.toContain("PRIVATE KEY");
  });

  it("takes the options from the environment too, and leaves TLS off by default", () => {
    const env = { KEEL_TLS_CERT_FILE: "member.pem", KEEL_TLS_KEY_FILE: "member.key", KEEL_TLS_CA_FILE: "ca.pem" };
    const result = load(base, { ...env, KEEL_PEER_TLS: "true" });
    expect(result.type === "config" && result.config.peerTls).toBe(true);
    const plain = load(base);
    expect(plain.type === "config" && plain.tls).toBeUndefined();
    expect(plain.type === "config" && [plain.config.peerTls, plain.config.clientTlsVerify]).toEqual([false, false]);
  });

  const refusals: [string, string[], string][] = [
    [
      "a certificate without its key",
      ["--tls-cert-file", "member.pem"],
      "tlsCertFile is given without tlsKeyFile: give both",
    ],
    [
      "a key without its certificate",
      ["--tls-key-file", "member.key"],
      "tlsKeyFile is given without tlsCertFile: give both",
    ],
    [
      "a CA without a certificate",
      ["--tls-ca-file", "ca.pem"],
      "tlsCaFile is given without tlsCertFile and tlsKeyFile",
    ],
    [
      "--peer-tls without a CA",
      [...pair, "--peer-tls"],
      "peerTls needs --tls-cert-file, --tls-key-file and --tls-ca-file",
    ],
    ["--peer-tls without any file", ["--peer-tls"], "peerTls needs --tls-cert-file, --tls-key-file and --tls-ca-file"],
    ["--client-tls-verify without a CA", [...pair, "--client-tls-verify"], "clientTlsVerify needs --tls-cert-file"],
    [
      "a missing certificate file",
      ["--tls-cert-file", "nowhere.pem", "--tls-key-file", "member.key"],
      "tlsCertFile (from --tls-cert-file) nowhere.pem: cannot read it (ENOENT",
    ],
    [
      "a missing CA file",
      [...pair, "--tls-ca-file", "nowhere.pem"],
      "tlsCaFile (from --tls-ca-file) nowhere.pem: cannot read it",
    ],
    [
      "a key that does not belong to the certificate",
      ["--tls-cert-file", "member.pem", "--tls-key-file", "client.key"],
      "TLS files (member.pem, client.key) cannot be used:",
    ],
    [
      "a certificate file that is not PEM",
      ["--tls-cert-file", "not.pem", "--tls-key-file", "member.key"],
      "cannot be used:",
    ],
    ["a CA file that is not PEM", [...pair, "--tls-ca-file", "not.pem"], "cannot be used:"],
    ["--zk-secure-port without a certificate", ["--zk-secure-port", "2281"], "zkSecurePort needs --tls-cert-file"],
    ["--zk-secure-port on the ZooKeeper port", [...pair, "--zk-secure-port", "2181"], "zkSecurePort 2181 collides"],
  ];
  for (const [name, argv, message] of refusals) {
    it(`refuses ${name}`, () => {
      expect(problemsOf([...base, ...argv])).toContain(message);
    });
  }
});

describe("helpText", () => {
  it("documents every option's flag and environment variable", () => {
    const text = helpText("1.0.0");
    for (const spec of optionSpecs) {
      expect(text).toContain(flagName(spec.key));
      expect(text).toContain(envName(spec.key));
    }
    expect(text).toContain("--check-config");
    expect(text).toContain("--version");
  });
});

describe("docs/operations.md", () => {
  it("documents every option's key, flag and environment variable", () => {
    const docs = readFileSync(new URL("../../../docs/operations.md", import.meta.url), "utf8");
    for (const spec of optionSpecs) {
      expect(docs).toContain(`\`${spec.key}\``);
      expect(docs).toContain(flagName(spec.key));
      expect(docs).toContain(envName(spec.key));
    }
  });
});
