/**
 * Credentials without a server: the `authorization` header built for each kind of credentials,
 * what the client hands its WebSocket constructor, and how `connect` treats a refusal (AUTHFAILED,
 * NOAUTH): each member tried once, then a typed error, never a retry until the connect timeout. A
 * scripted WebSocket plays the members, answering tRPC messages from a table of procedures; it
 * also serves `children()`'s paging. Real-ensemble tests are in auth-ensemble.test.ts.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AuthFailedError,
  authorizationHeader,
  BadArgumentsError,
  type ConnectAuth,
  connect,
  NoAuthError,
  type WebSocketConstructor,
  type WebSocketOptions,
} from "./index.js";
import { openFailure } from "./transport.js";

describe("authorizationHeader", () => {
  const token = `keel_0123456789abcdef_${"A".repeat(40)}x-_`;
  it.each([
    { auth: { user: "alice", password: "s3cret pass" }, header: `Basic ${btoa("alice:s3cret pass")}` },
    // a colon in the password is fine: the server splits at the first one
    { auth: { user: "bob.ops", password: "a:b:c" }, header: `Basic ${btoa("bob.ops:a:b:c")}` },
    // UTF-8, as RFC 7617 recommends
    { auth: { user: "u", password: "päss€" }, header: `Basic ${Buffer.from("u:päss€").toString("base64")}` },
    { auth: { token }, header: `Bearer ${token}` },
  ] satisfies { auth: ConnectAuth; header: string }[])("$header", ({ auth, header }) => {
    expect(authorizationHeader(auth)).toBe(header);
  });

  it.each([
    { auth: { token: "keel_0123_short" }, message: /not a Keel token/ },
    { auth: { token: `Bearer ${token}` }, message: /not a Keel token/ },
    { auth: { user: "al:ice", password: "x" }, message: /not a user name/ },
    { auth: { user: "", password: "x" }, message: /not a user name/ },
    { auth: { user: "alice", password: "" }, message: /empty/ },
    { auth: { user: "alice", password: "secret\n" }, message: /control character/ },
  ] satisfies { auth: ConnectAuth; message: RegExp }[])("refuses $auth", ({ auth, message }) => {
    const thrown = (() => {
      try {
        authorizationHeader(auth);
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(BadArgumentsError);
    expect((thrown as Error).message).toMatch(message);
    // never echoes a secret
    if ("password" in auth && auth.password.length > 0) expect((thrown as Error).message).not.toContain(auth.password);
  });
});

describe("openFailure", () => {
  it("reads a 401 on the upgrade as refused credentials, anything else as a failure to move on from", () => {
    expect(openFailure("ws://m1", "the connection failed: Unexpected server response: 401")).toBeInstanceOf(
      AuthFailedError,
    );
    expect(openFailure("ws://m1", "the connection failed: connect ECONNREFUSED")).not.toBeInstanceOf(AuthFailedError);
  });
});

// ---- a scripted ensemble ------------------------------------------------------------------------

type Answer = { result: unknown } | { error: { keelCode: string; message: string } };
/** One member's answers: procedure path → answer for that input. */
type Procedures = Record<string, (input: unknown) => Answer>;

interface Opened {
  readonly url: string;
  readonly options: WebSocketOptions | undefined;
  readonly argumentCount: number;
}

const attached = (serverId: number) => ({
  type: "attached",
  sessionId: "77",
  timeoutMs: 4000,
  serverId,
  lastZxid: "0",
});

function refuse(keelCode: string, message: string): Answer {
  return { error: { keelCode, message } };
}

const SERVING: Procedures = {
  "session.open": () => ({ result: { sessionId: "77", secret: "a".repeat(32), timeoutMs: 4000 } }),
  "session.keepAlive": () => ({ result: { timeoutMs: 4000 } }),
  "session.close": () => ({ result: { closed: true } }),
};

/** A WebSocket class whose sockets answer like the member named in their URL. */
function scriptedEnsemble(members: Record<string, Procedures>): { WebSocket: WebSocketConstructor; opened: Opened[] } {
  const opened: Opened[] = [];
  class ScriptedSocket {
    readyState = 0;
    private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();
    private readonly procedures: Procedures;

    constructor(
      readonly url: string,
      options?: WebSocketOptions,
    ) {
      // biome-ignore lint/complexity/noArguments: the number of arguments is what a browser WebSocket cares about
      opened.push({ url, options, argumentCount: arguments.length });
      const member = Object.keys(members).find((name) => url.includes(name));
      this.procedures = member === undefined ? {} : (members[member] as Procedures);
      setImmediate(() => {
        this.readyState = 1;
        this.emit("open", undefined);
      });
    }

    addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }

    send(data: string): void {
      const parsed = JSON.parse(data) as unknown;
      for (const message of Array.isArray(parsed) ? parsed : [parsed]) this.receive(message);
    }

    close(): void {
      if (this.readyState === 3) return;
      this.readyState = 3;
      setImmediate(() => this.emit("close", undefined));
    }

    private receive(message: { id: number; method: string; params?: { path: string; input: unknown } }): void {
      if (message.method === "subscription.stop" || message.params === undefined) return;
      const { path, input } = message.params;
      const reply = (body: object) =>
        setImmediate(() => this.emit("message", JSON.stringify({ id: message.id, ...body })));
      if (path === "session.attach" && this.procedures["session.attach"] === undefined) {
        reply({ result: { type: "started" } });
        reply({ result: { type: "data", data: attached(1) } });
        return;
      }
      const procedure = this.procedures[path];
      if (procedure === undefined) {
        reply({ error: { message: `no procedure ${path}`, code: -32004, data: { keelCode: null } } });
        return;
      }
      const answer = procedure(input);
      if ("error" in answer)
        reply({ error: { message: answer.error.message, code: -32001, data: { keelCode: answer.error.keelCode } } });
      else reply({ result: { type: "data", data: answer.result } });
    }

    private emit(type: string, data: unknown): void {
      for (const listener of this.listeners.get(type) ?? []) listener({ data });
    }
  }
  return { WebSocket: ScriptedSocket as unknown as WebSocketConstructor, opened };
}

const SERVERS = ["http://m1", "http://m2", "http://m3"];
// Far longer than any test: a client retrying until the connect timeout would show as a hang.
const LONG_CONNECT_TIMEOUT_MS = 3_600_000;

describe("connect with credentials", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("puts the header on every socket's upgrade, and passes nothing for an anonymous client", async () => {
    const members = { m1: SERVING, m2: SERVING, m3: SERVING };
    const withAuth = scriptedEnsemble(members);
    const keel = await connect({
      servers: SERVERS,
      WebSocket: withAuth.WebSocket,
      auth: { user: "alice", password: "pw-pw-pw" },
    });
    await keel.close();
    expect(withAuth.opened.length).toBeGreaterThan(0);
    for (const socket of withAuth.opened)
      expect(socket.options).toEqual({ headers: { authorization: `Basic ${btoa("alice:pw-pw-pw")}` } });

    const anonymous = scriptedEnsemble(members);
    const other = await connect({ servers: SERVERS, WebSocket: anonymous.WebSocket });
    await other.close();
    // a browser's WebSocket takes protocols as its second argument: the SDK must not pass one
    for (const socket of anonymous.opened) expect(socket.argumentCount).toBe(1);
  });

  it.each([
    { code: "AUTHFAILED", message: "authentication failed", Class: AuthFailedError },
    { code: "NOAUTH", message: "authentication required", Class: NoAuthError },
  ])("fails with $code after one try per member, not at the connect timeout", async ({ code, message, Class }) => {
    const refusing: Procedures = { ...SERVING, "session.open": () => refuse(code, message) };
    const ensemble = scriptedEnsemble({ m1: refusing, m2: refusing, m3: refusing });
    const failure = await connect({
      servers: SERVERS,
      WebSocket: ensemble.WebSocket,
      auth: { user: "alice", password: "wrong-password" },
      connectTimeoutMs: LONG_CONNECT_TIMEOUT_MS,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Class);
    expect((failure as Error).message).toContain(message);
    expect(ensemble.opened.map((socket) => socket.url).sort()).toEqual(["ws://m1", "ws://m2", "ws://m3"]);
  });

  it("connects through a member that knows the credentials when another has not applied them yet", async () => {
    const lagging: Procedures = { ...SERVING, "session.open": () => refuse("AUTHFAILED", "authentication failed") };
    const ensemble = scriptedEnsemble({ m1: lagging, m2: lagging, m3: SERVING });
    // every start position: the random member choice must not matter
    for (const random of [0, 0.4, 0.9]) {
      const keel = await connect({
        servers: SERVERS,
        WebSocket: ensemble.WebSocket,
        auth: { user: "alice", password: "new-users-password" },
        connectTimeoutMs: LONG_CONNECT_TIMEOUT_MS,
        random: () => random,
      });
      expect(keel.state.name).toBe("connected");
      await keel.close();
    }
  });

  it("counts a member that cannot be reached as its one try", async () => {
    const refusing: Procedures = { ...SERVING, "session.open": () => refuse("AUTHFAILED", "authentication failed") };
    // m3 is not in the table: its socket opens but answers nothing it knows (no session.open)
    const ensemble = scriptedEnsemble({ m1: refusing, m2: refusing });
    const failure = await connect({
      servers: SERVERS,
      WebSocket: ensemble.WebSocket,
      auth: { user: "alice", password: "wrong-password" },
      connectTimeoutMs: LONG_CONNECT_TIMEOUT_MS,
      random: () => 0,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthFailedError);
  });

  it("refuses credentials it could not send: a browser's WebSocket takes no headers", async () => {
    vi.stubGlobal("WebSocket", scriptedEnsemble({ m1: SERVING }).WebSocket);
    const failure = await connect({ servers: ["http://m1"], auth: { user: "alice", password: "pw-pw-pw" } }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BadArgumentsError);
    expect((failure as Error).message).toMatch(/cookie/);
  });
});

describe("children() pages", () => {
  const names = Array.from({ length: 7 }, (_, index) => `c${index}`);
  const stat = { version: 0, cversion: 7, numChildren: 7, mzxid: "3", pzxid: "9" };
  /** node.children answering at most 3 names per page. */
  const paging: Procedures = {
    ...SERVING,
    "node.children": (input) => {
      const { after, limit } = input as { after?: string; limit?: number };
      const rest = names.filter((name) => after === undefined || name > after);
      const page = rest.slice(0, Math.min(limit ?? 3, 3));
      const more = rest.length > page.length;
      return {
        result: { children: page.map((name) => ({ name })), stat, nextAfter: more ? (page.at(-1) as string) : null },
      };
    },
  };

  it("follows nextAfter to the last page; childrenPage returns one", async () => {
    const ensemble = scriptedEnsemble({ m1: paging });
    const keel = await connect({ servers: ["http://m1"], WebSocket: ensemble.WebSocket });
    expect(await keel.children("/dir")).toEqual(names);
    const first = await keel.childrenPage("/dir", { limit: 2 });
    expect(first.children.map((child) => child.name)).toEqual(["c0", "c1"]);
    expect(first.nextAfter).toBe("c1");
    const last = await keel.childrenPage("/dir", { after: "c5" });
    expect(last).toMatchObject({ children: [{ name: "c6" }], nextAfter: null });
    await keel.close();
  });

  it("takes an answer without nextAfter (a server from before paging) as every child", async () => {
    const unpaged: Procedures = {
      ...SERVING,
      "node.children": () => ({ result: { children: names.map((name) => ({ name })), stat } }),
    };
    const keel = await connect({ servers: ["http://m1"], WebSocket: scriptedEnsemble({ m1: unpaged }).WebSocket });
    expect(await keel.children("/dir")).toEqual(names);
    await keel.close();
  });
});
