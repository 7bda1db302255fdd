/**
 * Credentials and CA as the CLI resolves them: which flags and variables give which credentials
 * (and which combinations are usage errors), and that the fetch and the WebSocket class built from
 * them send the `authorization` header and trust --ca-file, against in-process HTTP, HTTPS and
 * WebSocket servers.
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { CliError, UsageError } from "./cli-error.js";
import { type CredentialFlags, connectionSettings, resolveAuth, secretFromFile } from "./connection.js";
import { makeTestCertificates, type TestCertificates } from "./test/certificates.js";

const TOKEN = `keel_00112233445566ff_${"Q".repeat(43)}`;
const FILES: Record<string, string> = {
  "root.pw": "hunter2-hunter2\n",
  "crlf.pw": "pass word\r\n",
  "ci.tok": `  ${TOKEN}\n`,
  "bad.tok": "not-a-token\n",
};
const read = (file: string) => {
  const text = FILES[file];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: "ENOENT" });
  return text;
};
const flags = (overrides: Partial<CredentialFlags>): CredentialFlags => ({
  user: undefined,
  passwordFile: undefined,
  tokenFile: undefined,
  caFile: undefined,
  ...overrides,
});

describe("resolveAuth", () => {
  it.each([
    { name: "nothing: anonymous", flags: {}, env: {}, auth: undefined },
    {
      name: "--user with --password-file",
      flags: { user: "root", passwordFile: "root.pw" },
      env: {},
      auth: { user: "root", password: "hunter2-hunter2" },
    },
    {
      name: "a CRLF file",
      flags: { user: "root", passwordFile: "crlf.pw" },
      env: {},
      auth: { user: "root", password: "pass word" },
    },
    {
      name: "--user with $KEEL_PASSWORD",
      flags: { user: "root" },
      env: { KEEL_PASSWORD: "from-env" },
      auth: { user: "root", password: "from-env" },
    },
    {
      name: "--password-file wins over $KEEL_PASSWORD",
      flags: { user: "root", passwordFile: "root.pw" },
      env: { KEEL_PASSWORD: "x" },
      auth: { user: "root", password: "hunter2-hunter2" },
    },
    { name: "--token-file, trimmed", flags: { tokenFile: "ci.tok" }, env: {}, auth: { token: TOKEN } },
    { name: "$KEEL_TOKEN", flags: {}, env: { KEEL_TOKEN: TOKEN }, auth: { token: TOKEN } },
    {
      name: "--user wins over $KEEL_TOKEN",
      flags: { user: "root" },
      env: { KEEL_TOKEN: TOKEN, KEEL_PASSWORD: "p" },
      auth: { user: "root", password: "p" },
    },
    { name: "$KEEL_PASSWORD alone names no user", flags: {}, env: { KEEL_PASSWORD: "p" }, auth: undefined },
  ])("$name", ({ flags: given, env, auth }) => {
    expect(resolveAuth(flags(given), env, read)).toEqual(auth);
  });

  it.each([
    {
      name: "--user and --token-file",
      flags: { user: "root", passwordFile: "root.pw", tokenFile: "ci.tok" },
      env: {},
      error: UsageError,
      message: "exclude each other",
    },
    {
      name: "--password-file without --user",
      flags: { passwordFile: "root.pw" },
      env: {},
      error: UsageError,
      message: "needs --user",
    },
    {
      name: "--user without a password",
      flags: { user: "root" },
      env: {},
      error: UsageError,
      message: "--password-file FILE or $KEEL_PASSWORD",
    },
    {
      name: "a missing file",
      flags: { user: "root", passwordFile: "nope.pw" },
      env: {},
      error: CliError,
      message: "cannot read --password-file nope.pw: ENOENT",
    },
    {
      name: "a malformed token",
      flags: { tokenFile: "bad.tok" },
      env: {},
      error: UsageError,
      message: "--token-file bad.tok: token is not a Keel token",
    },
    {
      name: "a malformed $KEEL_TOKEN",
      flags: {},
      env: { KEEL_TOKEN: "abc" },
      error: UsageError,
      message: "$KEEL_TOKEN: token is not a Keel token",
    },
  ])("refuses $name", ({ flags: given, env, error, message }) => {
    const run = () => resolveAuth(flags(given), env, read);
    expect(run).toThrow(error);
    expect(run).toThrow(message);
  });

  it("strips only the line ending a file adds", () => {
    expect(secretFromFile("  spaced  \n\n")).toBe("  spaced  ");
  });
});

// ---- what reaches a server ----------------------------------------------------------------------

let certificates: TestCertificates;
const servers: Server[] = [];
/** The headers of the last request (HTTP) and the last WebSocket upgrade each server saw. */
const seen = new Map<string, IncomingHttpHeaders>();

async function listen(server: Server, scheme: "http" | "https"): Promise<string> {
  servers.push(server);
  server.on("request", (request, response) => {
    seen.set(`${scheme} request`, request.headers);
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ ok: true }));
  });
  const sockets = new WebSocketServer({ server });
  sockets.on("connection", (socket, request) => {
    seen.set(`${scheme} upgrade`, request.headers);
    socket.close();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let httpUrl = "";
let httpsUrl = "";
beforeAll(async () => {
  certificates = makeTestCertificates();
  httpUrl = await listen(createHttpServer(), "http");
  httpsUrl = await listen(
    createHttpsServer({ cert: readFileSync(certificates.certFile), key: readFileSync(certificates.keyFile) }),
    "https",
  );
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  certificates?.remove();
});

function upgrade(WebSocket: ReturnType<typeof connectionSettings>["WebSocket"], url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, "ws"));
    socket.on("open", () => resolve());
    socket.on("error", reject);
  });
}

describe("connectionSettings", () => {
  const readReal = (file: string) => (file in FILES ? read(file) : readFileSync(file, "utf8"));

  it("sends the authorization header on HTTP requests and WebSocket upgrades", async () => {
    const settings = connectionSettings(flags({ user: "root", passwordFile: "root.pw" }), {}, readReal);
    const expected = `Basic ${Buffer.from("root:hunter2-hunter2").toString("base64")}`;
    expect(settings.headers).toEqual({ authorization: expected });
    await (await settings.fetch(`${httpUrl}/x`, { headers: { "content-type": "application/json" } })).json();
    expect(seen.get("http request")?.authorization).toBe(expected);
    expect(seen.get("http request")?.["content-type"]).toBe("application/json");
    await upgrade(settings.WebSocket, httpUrl);
    expect(seen.get("http upgrade")?.authorization).toBe(expected);
  });

  it("trusts --ca-file for https and wss, which Node's public CAs do not", async () => {
    const anonymous = connectionSettings(flags({}), {}, readReal);
    await expect(anonymous.fetch(`${httpsUrl}/x`)).rejects.toThrow();
    await expect(upgrade(anonymous.WebSocket, httpsUrl)).rejects.toThrow();

    const settings = connectionSettings(flags({ tokenFile: "ci.tok", caFile: certificates.caFile }), {}, readReal);
    const response = await settings.fetch(`${httpsUrl}/x`, { method: "POST", body: "{}" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(seen.get("https request")?.authorization).toBe(`Bearer ${TOKEN}`);
    await upgrade(settings.WebSocket, httpsUrl);
    expect(seen.get("https upgrade")?.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("refuses a --ca-file with no certificate in it", () => {
    expect(() => connectionSettings(flags({ caFile: "root.pw" }), {}, read)).toThrow("holds no PEM certificate");
  });
});
