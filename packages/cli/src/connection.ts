/**
 * Who the CLI is and whom it trusts, resolved once from the command line (docs/cli.md,
 * "Authentication and TLS"): the credentials (`--user` with `--password-file` or $KEEL_PASSWORD,
 * or `--token-file` or $KEEL_TOKEN) and the CA bundle (`--ca-file`). Every way the CLI talks to
 * members takes them from here: the HTTP client (remote.ts), session.list's plain fetch, watch
 * streams' WebSockets and the SDK (lock, elect). A password is never taken from the command line,
 * where `ps` and shell history would show it.
 */
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { authorizationHeader, BadArgumentsError, type ConnectAuth } from "@keel/client";
import WebSocket from "ws";
import { CliError, UsageError } from "./cli-error.js";

/** The part of a fetch request the CLI makes (tRPC's httpLink and session.list). */
export interface FetchInit {
  readonly method?: string | undefined;
  readonly headers?: ConstructorParameters<typeof Headers>[0] | undefined;
  readonly body?: RequestInit["body"] | undefined;
  readonly signal?: AbortSignal | null | undefined;
}

/** What `fetch` the CLI's HTTP calls use (tRPC's httpLink takes one). */
export type FetchLike = (url: string | URL, init?: FetchInit) => Promise<Response>;

/** The `ws` class tRPC's WebSocket client constructs (watch streams). */
export type WebSocketClass = new (address: string, protocols?: string | string[]) => WebSocket;

export interface ConnectionSettings {
  /** The credentials, for the SDK; undefined: anonymous. */
  readonly auth: ConnectAuth | undefined;
  /** The CA bundle for https/wss members (PEM); undefined: Node's public CAs. */
  readonly ca: Buffer | undefined;
  /** The `authorization` header, or nothing. */
  readonly headers: Readonly<Record<string, string>>;
  /** `fetch` with the headers added and, for https with `ca`, the CA trusted. */
  readonly fetch: FetchLike;
  /** `ws` with the headers and the CA bound in, for tRPC's WebSocket client. */
  readonly WebSocket: WebSocketClass;
}

export interface CredentialFlags {
  readonly user: string | undefined;
  readonly passwordFile: string | undefined;
  readonly tokenFile: string | undefined;
  readonly caFile: string | undefined;
}

/** Reads a file as text; tests pass their own. */
export type ReadText = (file: string) => string;

const readTextFile: ReadText = (file) => readFileSync(file, "utf8");

function readFlagFile(flag: string, file: string, read: ReadText): string {
  try {
    return read(file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CliError(`cannot read ${flag} ${file}: ${typeof code === "string" ? code : String(error)}`);
  }
}

/** A secret as a file holds it: `echo secret > file` adds a newline that is not part of it. */
export function secretFromFile(text: string): string {
  return text.replace(/[\r\n]+$/, "");
}

/**
 * The credentials the flags and environment name. Flags win over the environment; `--user` with
 * `--token-file` is a usage error, as is `--password-file` without `--user`.
 */
export function resolveAuth(
  flags: CredentialFlags,
  env: NodeJS.ProcessEnv,
  read: ReadText = readTextFile,
): ConnectAuth | undefined {
  if (flags.user !== undefined && flags.tokenFile !== undefined)
    throw new UsageError("--user and --token-file exclude each other: authenticate one way");
  if (flags.passwordFile !== undefined && flags.user === undefined)
    throw new UsageError("--password-file needs --user NAME");
  let auth: ConnectAuth | undefined;
  if (flags.user !== undefined) {
    const password =
      flags.passwordFile === undefined
        ? env.KEEL_PASSWORD
        : secretFromFile(readFlagFile("--password-file", flags.passwordFile, read));
    if (password === undefined || password === "")
      throw new UsageError(
        `--user ${flags.user} needs its password in --password-file FILE or $KEEL_PASSWORD (never on the command line)`,
      );
    auth = { user: flags.user, password };
  } else if (flags.tokenFile !== undefined) {
    auth = { token: readFlagFile("--token-file", flags.tokenFile, read).trim() };
  } else if (env.KEEL_TOKEN !== undefined && env.KEEL_TOKEN.trim() !== "") {
    auth = { token: env.KEEL_TOKEN.trim() };
  }
  if (auth !== undefined) checkAuth(auth, flags);
  return auth;
}

/** Malformed credentials are the command line's fault: say which flag, never the secret. */
function checkAuth(auth: ConnectAuth, flags: CredentialFlags): void {
  try {
    authorizationHeader(auth);
  } catch (error) {
    if (!(error instanceof BadArgumentsError)) throw error;
    const source =
      "token" in auth
        ? flags.tokenFile === undefined
          ? "$KEEL_TOKEN"
          : `--token-file ${flags.tokenFile}`
        : flags.passwordFile === undefined
          ? "--user / $KEEL_PASSWORD"
          : `--user / --password-file ${flags.passwordFile}`;
    throw new UsageError(`${source}: ${error.message.replace(/^auth\./, "")}`);
  }
}

export function connectionSettings(
  flags: CredentialFlags,
  env: NodeJS.ProcessEnv,
  read: ReadText = readTextFile,
): ConnectionSettings {
  const auth = resolveAuth(flags, env, read);
  const ca =
    flags.caFile === undefined ? undefined : Buffer.from(readFlagFile("--ca-file", flags.caFile, read), "utf8");
  if (ca !== undefined && !ca.includes("-----BEGIN CERTIFICATE-----"))
    throw new UsageError(`--ca-file ${flags.caFile} holds no PEM certificate`);
  const headers: Record<string, string> = auth === undefined ? {} : { authorization: authorizationHeader(auth) };
  return { auth, ca, headers, fetch: fetchWith(headers, ca), WebSocket: webSocketWith(headers, ca) };
}

/** No credentials, public CAs: what the CLI did before authentication (and what tests use). */
export const ANONYMOUS: ConnectionSettings = {
  auth: undefined,
  ca: undefined,
  headers: {},
  fetch: fetchWith({}, undefined),
  WebSocket,
};

function fetchWith(headers: Readonly<Record<string, string>>, ca: Buffer | undefined): FetchLike {
  return (url, init = {}) => {
    const merged = new Headers(init.headers);
    for (const [name, value] of Object.entries(headers)) if (!merged.has(name)) merged.set(name, value);
    const target = new URL(String(url));
    // Node's fetch cannot be given a CA without undici's own API; node:https can.
    if (ca !== undefined && target.protocol === "https:") return httpsFetch(target, init, merged, ca);
    return fetch(target, {
      headers: merged,
      ...(init.method === undefined ? {} : { method: init.method }),
      ...(init.body === undefined ? {} : { body: init.body }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
  };
}

const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** The part of fetch the CLI uses (method, headers, string body, signal) over node:https with `ca`. */
function httpsFetch(url: URL, init: FetchInit, headers: Headers, ca: Buffer): Promise<Response> {
  return new Promise((resolve, reject) => {
    const signal = init.signal ?? undefined;
    const request = httpsRequest(
      url,
      { method: init.method ?? "GET", headers: Object.fromEntries(headers), ca, ...(signal ? { signal } : {}) },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const status = response.statusCode ?? 500;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(", ") : value);
          }
          resolve(
            new Response(NO_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
              status,
              headers: responseHeaders,
            }),
          );
        });
      },
    );
    request.on("error", reject);
    request.end(typeof init.body === "string" ? init.body : undefined);
  });
}

function webSocketWith(headers: Readonly<Record<string, string>>, ca: Buffer | undefined): WebSocketClass {
  if (Object.keys(headers).length === 0 && ca === undefined) return WebSocket;
  const settings = { headers: { ...headers }, ...(ca === undefined ? {} : { ca }) };
  return class AuthenticatedWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, settings);
    }
  };
}
