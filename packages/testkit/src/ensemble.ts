/**
 * Spawns a real Keel ensemble: N `keel-server` processes on free 127.0.0.1 ports, each with its
 * own temp data directory. Tests kill (SIGKILL), stop, restart and query members, and `close()`
 * kills every process it started and removes the directories.
 *
 * Members prove a shared peer secret to each other (docs/security.md): each ensemble gets its own
 * random one, written (mode 0600) into its temp directory and passed as --peer-secret-file.
 *
 * With `tls`, every member serves HTTPS/WSS (and, with `peerTls`, mutual TLS between peers) with the
 * given files, member URLs are `https://…`, and the ensemble's own status polling trusts the CA.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClusterStatusView } from "@keel/api";
import { freePorts } from "./ports.js";

export interface EnsembleOptions {
  voters?: number;
  observers?: number;
  /**
   * Members beyond the voters and observers that are not started: each joins the running ensemble
   * with --join when the test starts it (its --peer list is the others' plus its own entry), and
   * becomes a member once `members.add` adds it (docs/operations.md, "Membership changes").
   */
  spares?: number;
  tickMs?: number;
  /**
   * Ticks without hearing the leader before re-election. Tests default to 10 (500 ms at 50 ms
   * ticks), a little above the server's 8, because every suite shares two cores with the others and
   * a CPU-starved process is not the stall the server's own default is tuned for.
   */
  syncLimitTicks?: number;
  /** Start with the server's own default timing (no --tick-ms / --sync-limit-ticks): the bench does. */
  serverDefaults?: boolean;
  /** Extra flags for every server (e.g. ["--snapshot-every-txns", "50"]). */
  serverArgs?: readonly string[];
  /** Inherit the servers' stdout/stderr (debugging). */
  verbose?: boolean;
  /** Flags for node itself, before the server's entry (e.g. ["--cpu-prof", "--cpu-prof-dir=/tmp/p"]). */
  nodeArgs?: readonly string[];
  /** Extra environment for member `id`'s process (e.g. libfaketime's variables for a skewed wall clock). */
  memberEnv?: (id: number) => Readonly<Record<string, string>>;
  /**
   * Where member `id` keeps its data (e.g. a disk the test mounted). Default: a directory under
   * the ensemble's own temp directory. `close()` removes only its own directory, never these.
   */
  dataDir?: (id: number) => string;
  /**
   * Serve the client port over TLS with these PEM files (the same certificate for every member, so
   * it must name 127.0.0.1: `subjectAltName=IP:127.0.0.1`). `peerTls` adds --peer-tls. testkit's
   * own status requests trust `caFile` and present the members' certificate as their client
   * certificate, so they also work with --client-tls-verify in serverArgs.
   */
  tls?: EnsembleTls;
  /** Keep each member's stdout (its JSON log lines) for `logLines`; off by default, as the servers log at warn anyway. */
  captureLogs?: boolean;
  /**
   * Give every member a super password (--super-password-file): `true` generates one, a string is
   * used as is; `ensemble.superPassword` holds it. Off by default (hashing it costs each member a
   * scrypt at start-up). `authRequired` and `consoleOrigins` turn it on.
   */
  superPassword?: true | string;
  /** --auth-required: anonymous API callers are refused. */
  authRequired?: boolean;
  /** --console-origins: origins whose session-cookie logins the members honour. */
  consoleOrigins?: readonly string[];
  /** Give every member a secure ZooKeeper port (--zk-secure-port, TLS; needs `tls`): `member.zkSecurePort`. */
  zkSecurePort?: boolean;
}

export interface EnsembleTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  readonly peerTls?: boolean;
}

/** The PEM contents testkit's own HTTPS requests use. */
interface TlsCredentials {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Log lines kept per member when capturing; the oldest go first past it. */
const capturedLogLinesMax = 10_000;

export interface Member {
  readonly id: number;
  readonly role: "voter" | "observer";
  /** Started with --join (EnsembleOptions.spares), not part of the bootstrap ensemble. */
  readonly spare: boolean;
  readonly clientUrl: string;
  readonly peerPort: number;
  readonly clientPort: number;
  /** The ZooKeeper wire port (docs/zookeeper-compat.md): `127.0.0.1:<zkPort>` is a ZooKeeper connect string. */
  readonly zkPort: number;
  /** The ZooKeeper port inside TLS, when the ensemble was started with `zkSecurePort`; else 0. */
  readonly zkSecurePort: number;
  readonly dataDir: string;
  process: ChildProcess | undefined;
}

const serverEntry = (): string => {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve("@keel/server/package.json");
  return join(packageJson, "..", "dist", "main.js");
};

export class Ensemble {
  private constructor(
    readonly members: readonly Member[],
    private readonly options: Required<
      Omit<EnsembleOptions, "dataDir" | "tls" | "superPassword" | "authRequired" | "consoleOrigins" | "zkSecurePort">
    >,
    private readonly rootDir: string,
    /** The file holding this ensemble's peer secret, passed to every member as --peer-secret-file. */
    readonly peerSecretFile: string,
    private readonly tls: EnsembleTls | undefined,
    private readonly tlsCredentials: TlsCredentials | undefined,
    private readonly auth: EnsembleAuth | undefined,
  ) {}

  /** The built-in `super` user's password, when the ensemble was started with one. */
  get superPassword(): string | undefined {
    return this.auth?.superPassword;
  }

  private readonly logs = new Map<number, string[]>();

  static async start(options: EnsembleOptions = {}): Promise<Ensemble> {
    const full = {
      voters: options.voters ?? 3,
      observers: options.observers ?? 0,
      spares: options.spares ?? 0,
      tickMs: options.tickMs ?? 50,
      syncLimitTicks: options.syncLimitTicks ?? 10,
      serverDefaults: options.serverDefaults ?? false,
      serverArgs: options.serverArgs ?? [],
      verbose: options.verbose ?? false,
      nodeArgs: options.nodeArgs ?? [],
      memberEnv: options.memberEnv ?? (() => ({})),
      captureLogs: options.captureLogs ?? false,
    };
    const scheme = options.tls === undefined ? "http" : "https";
    const bootstrapCount = full.voters + full.observers;
    const count = bootstrapCount + full.spares;
    const perMember = options.zkSecurePort === true ? 4 : 3;
    const ports = await freePorts(count * perMember);
    const rootDir = mkdtempSync(join(tmpdir(), "keel-ensemble-"));
    const dataDir = options.dataDir ?? ((id: number) => join(rootDir, `server-${id}`));
    const members: Member[] = [];
    for (let index = 0; index < count; index++) {
      const base = index * perMember;
      const clientPort = ports[base + 1] as number;
      members.push({
        id: index + 1,
        role: index < full.voters || index >= bootstrapCount ? "voter" : "observer",
        spare: index >= bootstrapCount,
        clientUrl: `${scheme}://127.0.0.1:${clientPort}`,
        peerPort: ports[base] as number,
        clientPort,
        zkPort: ports[base + 2] as number,
        zkSecurePort: perMember === 4 ? (ports[base + 3] as number) : 0,
        dataDir: dataDir(index + 1),
        process: undefined,
      });
    }
    const peerSecretFile = writePeerSecret(rootDir);
    const tlsCredentials =
      options.tls === undefined
        ? undefined
        : {
            ca: readFileSync(options.tls.caFile),
            cert: readFileSync(options.tls.certFile),
            key: readFileSync(options.tls.keyFile),
          };
    const ensemble = new Ensemble(
      members,
      full,
      rootDir,
      peerSecretFile,
      options.tls,
      tlsCredentials,
      ensembleAuth(rootDir, options),
    );
    for (const member of members) if (!member.spare) ensemble.startMember(member.id);
    return ensemble;
  }

  member(id: number): Member {
    const member = this.members.find((m) => m.id === id);
    if (!member) throw new Error(`no member ${id}`);
    return member;
  }

  /** --tick-ms and --sync-limit-ticks unless the test asked for the server's defaults or set its own. */
  private timingArgs(): string[] {
    const { serverDefaults, tickMs, syncLimitTicks, serverArgs } = this.options;
    if (serverDefaults) return [];
    const args = ["--tick-ms", String(tickMs)];
    if (!serverArgs.includes("--sync-limit-ticks")) args.push("--sync-limit-ticks", String(syncLimitTicks));
    return args;
  }

  /** --peer-secret-file, unless the test chose its own peer authentication in serverArgs. */
  private peerAuthArgs(): string[] {
    const { serverArgs } = this.options;
    if (serverArgs.includes("--insecure-peers") || serverArgs.includes("--peer-secret-file")) return [];
    return ["--peer-secret-file", this.peerSecretFile];
  }

  /** --tls-cert-file, --tls-key-file, --tls-ca-file (and --peer-tls) when the ensemble serves TLS. */
  private tlsArgs(): string[] {
    if (this.tls === undefined) return [];
    const { certFile, keyFile, caFile, peerTls } = this.tls;
    const args = ["--tls-cert-file", certFile, "--tls-key-file", keyFile, "--tls-ca-file", caFile];
    return peerTls === true ? [...args, "--peer-tls"] : args;
  }

  /** --super-password-file, --auth-required and --console-origins when the ensemble was asked for them. */
  private authArgs(): string[] {
    if (this.auth === undefined) return [];
    const args = ["--super-password-file", this.auth.superPasswordFile];
    if (this.auth.required) args.push("--auth-required");
    if (this.auth.consoleOrigins.length > 0) args.push("--console-origins", this.auth.consoleOrigins.join(","));
    return args;
  }

  /** The flags that start member `id`; exported so tests can check the CLI itself. */
  argsFor(id: number): string[] {
    const member = this.member(id);
    // A spare lists the bootstrap ensemble and itself, and joins; the others list the bootstrap only.
    const listed = this.members.filter((m) => !m.spare || m.id === id);
    const peers = listed.flatMap((m) => [
      "--peer",
      `${m.id}=127.0.0.1:${m.peerPort}:${m.clientPort}${m.role === "observer" ? ":observer" : ""}`,
    ]);
    return [
      "--id",
      String(id),
      "--ensemble-id",
      "keel-test",
      "--data-dir",
      member.dataDir,
      "--client-host",
      "127.0.0.1",
      "--client-port",
      String(member.clientPort),
      "--peer-host",
      "127.0.0.1",
      "--peer-port",
      String(member.peerPort),
      "--zk-port",
      String(member.zkPort),
      ...(member.zkSecurePort === 0 ? [] : ["--zk-secure-port", String(member.zkSecurePort)]),
      ...this.timingArgs(),
      ...this.peerAuthArgs(),
      ...this.tlsArgs(),
      ...this.authArgs(),
      "--log-level",
      this.options.verbose ? "info" : "warn",
      ...(member.spare ? ["--join"] : []),
      ...peers,
      ...this.options.serverArgs,
    ];
  }

  startMember(id: number): void {
    const member = this.member(id);
    if (member.process && member.process.exitCode === null && member.process.signalCode === null) {
      throw new Error(`member ${id} is already running`);
    }
    member.process = spawn(process.execPath, [...this.options.nodeArgs, serverEntry(), ...this.argsFor(id)], {
      stdio: this.options.verbose ? "inherit" : ["ignore", this.options.captureLogs ? "pipe" : "ignore", "pipe"],
      env: { ...process.env, ...this.options.memberEnv(id) },
    });
    if (this.options.captureLogs) this.capture(id, member.process);
    member.process.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[server ${id}] ${chunk.toString()}`));
  }

  private capture(id: number, child: ChildProcess): void {
    const lines = this.logs.get(id) ?? [];
    this.logs.set(id, lines);
    let partial = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split("\n");
      partial = parts.pop() ?? "";
      lines.push(...parts);
      if (lines.length > capturedLogLinesMax) lines.splice(0, lines.length - capturedLogLinesMax);
    });
  }

  /** Member `id`'s JSON log lines so far, across restarts (needs `captureLogs`). */
  logLines(id: number): Record<string, unknown>[] {
    return (this.logs.get(id) ?? [])
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Kills member `id` (SIGKILL by default: no chance to flush anything) and waits for it to exit. */
  async kill(id: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.member(id).process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await exited;
  }

  async status(id: number): Promise<ClusterStatusView | undefined> {
    const url = `${this.member(id).clientUrl}/status.json`;
    if (this.tlsCredentials !== undefined)
      return (await httpsJson(url, this.tlsCredentials)) as ClusterStatusView | undefined;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      return response.ok ? ((await response.json()) as ClusterStatusView) : undefined;
    } catch {
      return undefined;
    }
  }

  isRunning(id: number): boolean {
    const child = this.member(id).process;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /**
   * Waits until one running member leads and every running member named in `ids` (default: all
   * running) is ready (in quorum and up to date). Returns the leader's id.
   */
  async waitForLeader(options: { timeoutMs?: number; ids?: readonly number[] } = {}): Promise<number> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    const ids = options.ids ?? this.members.filter((m) => this.isRunning(m.id)).map((m) => m.id);
    let last = "";
    while (Date.now() < deadline) {
      const statuses = await Promise.all(ids.map((id) => this.status(id)));
      const leaders = statuses.filter((s) => s?.role === "leading");
      if (leaders.length === 1 && statuses.every((s) => s?.ready)) return leaders[0]?.serverId as number;
      last = JSON.stringify(statuses.map((s) => (s ? `${s.serverId}:${s.role}:${s.ready}` : "down")));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no ready leader within the timeout; last statuses ${last}`);
  }

  /** Kills every process this ensemble started and deletes its data directories. */
  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => this.kill(m.id)));
    rmSync(this.rootDir, { recursive: true, force: true });
  }
}

/**
 * GETs `url` over HTTPS trusting `credentials.ca` (Node's fetch takes no CA without undici, which is
 * not a dependency here); undefined on any failure or non-200 answer, like `status`'s fetch.
 */
function httpsJson(url: string, credentials: TlsCredentials): Promise<unknown> {
  return new Promise((resolve) => {
    const request = httpsGet(url, { ...credentials, timeout: 2000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => {
        try {
          resolve(response.statusCode === 200 ? JSON.parse(body) : undefined);
        } catch {
          resolve(undefined);
        }
      });
      response.on("error", () => resolve(undefined));
    });
    request.on("timeout", () => request.destroy());
    request.on("error", () => resolve(undefined));
  });
}

interface EnsembleAuth {
  readonly superPassword: string;
  readonly superPasswordFile: string;
  readonly required: boolean;
  readonly consoleOrigins: readonly string[];
}

function ensembleAuth(rootDir: string, options: EnsembleOptions): EnsembleAuth | undefined {
  const wanted =
    options.superPassword !== undefined || options.authRequired === true || (options.consoleOrigins ?? []).length > 0;
  if (!wanted) return undefined;
  const superPassword =
    typeof options.superPassword === "string" ? options.superPassword : randomBytes(18).toString("base64url");
  const superPasswordFile = join(rootDir, "super.password");
  writeFileSync(superPasswordFile, `${superPassword}\n`, { mode: 0o600 });
  return {
    superPassword,
    superPasswordFile,
    required: options.authRequired === true,
    consoleOrigins: options.consoleOrigins ?? [],
  };
}

/**
 * Writes a fresh random peer secret (64 hex digits) to `<dir>/peer.secret`, readable by its owner
 * only, and returns the path: one per test ensemble, passed to every member as --peer-secret-file.
 */
export function writePeerSecret(dir: string): string {
  const file = join(dir, "peer.secret");
  writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  return file;
}
