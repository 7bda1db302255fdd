/**
 * The CLI's calls to the ensemble: HTTP tRPC calls with fail-over between the listed servers.
 * Each command is one short conversation, so it needs no session or WebSocket (watch, lock and
 * elect open their own). The retry rule is the API's (docs/api.md, "Retrying"): a refusal marked
 * `safe` (NOTREADY, THROTTLEDOP, connection refused) moves on to the next server until the
 * deadline; an outcome-unknown failure of a *write* is reported, never repeated, because repeating
 * it could apply it twice; reads are repeated after either.
 */
import type { AppRouter } from "@keel/api";
import { createTRPCClient, httpLink, type TRPCClient, TRPCClientError } from "@trpc/client";
import { CliError } from "./cli-error.js";
import { ANONYMOUS, type ConnectionSettings } from "./connection.js";

export type KeelTrpc = TRPCClient<AppRouter>;

export type RetryClass = "safe" | "unknown" | "final";

export interface ClassifiedError {
  readonly retry: RetryClass;
  /** The ensemble's code, or the one the CLI assigns to a network failure (CONNECTIONLOSS). */
  readonly keelCode: string | undefined;
  readonly message: string;
  /** The server could not be reached at all (nothing listening): the request never left. */
  readonly unreachable?: boolean;
}

/** How long to wait between rounds over all servers when every one refused. */
const ROUND_PAUSE_MS = 200;
/**
 * Rounds in which *no* server accepted a connection before giving up ahead of the deadline:
 * nothing is listening there (a wrong --servers, no ensemble running). A server that answers
 * NOTREADY (an election) is waited for until the deadline instead.
 */
const UNREACHABLE_ROUNDS_MAX = 3;

function networkCode(error: unknown): string | undefined {
  // fetch wraps the socket error: TypeError("fetch failed") with cause { code: "ECONNREFUSED" }.
  let cursor: unknown = error;
  for (let depth = 0; depth < 4 && cursor !== undefined && cursor !== null; depth++) {
    const candidate = cursor as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof candidate.code === "string" && /^E[A-Z]+$/.test(candidate.code)) return candidate.code;
    if (candidate.name === "TimeoutError" || candidate.name === "AbortError") return "ETIMEDOUT";
    cursor = candidate.cause;
  }
  return undefined;
}

/**
 * What a failed call means for the caller. A refused connection never sent the request (safe);
 * any other network failure may have delivered it (unknown); an answer from the server carries
 * its own `data.retry`.
 */
export function classify(error: unknown): ClassifiedError {
  if (error instanceof TRPCClientError) {
    const data = error.data as { keelCode?: string | null; retry?: string | null; code?: string } | undefined | null;
    if (data !== undefined && data !== null) {
      const retry: RetryClass = data.retry === "safe" || data.retry === "unknown" ? data.retry : "final";
      return { retry, keelCode: data.keelCode ?? undefined, message: error.message };
    }
    const code = networkCode(error.cause);
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH")
      return { retry: "safe", keelCode: "CONNECTIONLOSS", message: `cannot connect (${code})`, unreachable: true };
    return {
      retry: "unknown",
      keelCode: "CONNECTIONLOSS",
      message: `connection lost before an answer (${code ?? error.message})`,
    };
  }
  if (error instanceof CliError) return { retry: "final", keelCode: error.keelCode, message: error.message };
  const code = networkCode(error);
  if (code !== undefined) return { retry: "unknown", keelCode: "CONNECTIONLOSS", message: `network error (${code})` };
  return { retry: "final", keelCode: undefined, message: error instanceof Error ? error.message : String(error) };
}

export type CallKind = "read" | "write";

/** Whether a failure of this kind of call may be tried again (here or on another server). */
export function mayRetry(kind: CallKind, retry: RetryClass): boolean {
  if (retry === "safe") return true;
  return retry === "unknown" && kind === "read";
}

export interface RemoteOptions {
  readonly servers: readonly string[];
  /** Give up after this long in total (all servers, all rounds). */
  readonly timeoutMs: number;
  /** Credentials and CA; default anonymous with Node's public CAs. */
  readonly connection?: ConnectionSettings;
}

export class Remote {
  readonly servers: readonly string[];
  readonly timeoutMs: number;
  readonly connection: ConnectionSettings;
  readonly #clients = new Map<string, KeelTrpc>();
  /** The server that answered last: the next call starts there (no need to rediscover it). */
  #preferred = 0;

  constructor(options: RemoteOptions) {
    if (options.servers.length === 0) throw new CliError("no servers to talk to");
    this.servers = options.servers;
    this.timeoutMs = options.timeoutMs;
    this.connection = options.connection ?? ANONYMOUS;
  }

  client(server: string): KeelTrpc {
    let client = this.#clients.get(server);
    if (client === undefined) {
      const { headers, fetch } = this.connection;
      client = createTRPCClient<AppRouter>({ links: [httpLink({ url: server, headers, fetch })] });
      this.#clients.set(server, client);
    }
    return client;
  }

  read<T>(call: (client: KeelTrpc, signal: AbortSignal, server: string) => Promise<T>): Promise<T> {
    return this.#call("read", call);
  }

  write<T>(call: (client: KeelTrpc, signal: AbortSignal, server: string) => Promise<T>): Promise<T> {
    return this.#call("write", call);
  }

  /** One call to one named server, no fail-over (cluster status of each member). */
  async at<T>(server: string, call: (client: KeelTrpc, signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      return await call(this.client(server), AbortSignal.timeout(this.timeoutMs));
    } catch (error) {
      throw toCliError(classify(error), server);
    }
  }

  async #call<T>(
    kind: CallKind,
    call: (client: KeelTrpc, signal: AbortSignal, server: string) => Promise<T>,
  ): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    const failures = new Map<string, ClassifiedError>();
    // Servers that refused the credentials. A member that has not applied a just-created user or
    // token yet refuses it while the others know it, so each server gets one try; nothing is
    // applied before credentials are checked, so this holds for writes too.
    const refusedBy = new Set<string>();
    let unreachableRounds = 0;
    for (let round = 0; ; round++) {
      for (let step = 0; step < this.servers.length; step++) {
        const index = (this.#preferred + step) % this.servers.length;
        const server = this.servers[index] as string;
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw giveUp(failures);
        try {
          const result = await call(this.client(server), AbortSignal.timeout(remaining), server);
          this.#preferred = index;
          return result;
        } catch (error) {
          const failure = classify(error);
          failures.set(server, failure);
          if (failure.keelCode === "AUTHFAILED" && !refusedBy.has(server) && refusedBy.size + 1 < this.servers.length) {
            refusedBy.add(server);
            continue;
          }
          if (!mayRetry(kind, failure.retry)) {
            if (failure.retry === "unknown")
              throw new CliError(
                `${failure.message} at ${server}: the write may or may not have been applied; read before retrying`,
                undefined,
                failure.keelCode,
              );
            throw toCliError(failure, undefined);
          }
        }
      }
      const noneReachable = [...failures.values()].every((failure) => failure.unreachable === true);
      unreachableRounds = noneReachable ? unreachableRounds + 1 : 0;
      if (unreachableRounds >= UNREACHABLE_ROUNDS_MAX || deadline - Date.now() <= ROUND_PAUSE_MS)
        throw giveUp(failures);
      await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS * Math.min(round + 1, 5)));
    }
  }
}

function toCliError(failure: ClassifiedError, server: string | undefined): CliError {
  const where = server === undefined ? "" : ` (${server})`;
  return new CliError(`${failure.message}${where}`, undefined, failure.keelCode);
}

/** Every server failed until the deadline: report each server's last answer. */
function giveUp(failures: ReadonlyMap<string, ClassifiedError>): CliError {
  const parts = [...failures].map(([server, failure]) => {
    const code = failure.keelCode === undefined || failure.keelCode === "CONNECTIONLOSS" ? "" : `${failure.keelCode} `;
    return `${server}: ${code}${failure.message}`;
  });
  const codes = new Set([...failures.values()].map((failure) => failure.keelCode));
  const [only] = codes;
  const keelCode = codes.size === 1 && only !== undefined ? only : "CONNECTIONLOSS";
  return new CliError(`no server could serve the request (${parts.join("; ")})`, undefined, keelCode);
}
