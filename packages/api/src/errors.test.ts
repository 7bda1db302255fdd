/**
 * The error contract at the HTTP edge (docs/errors.md): every input error is BADARGUMENTS with a
 * sentence naming the field and the value; "not applied" (NOTREADY, THROTTLEDOP) and "outcome
 * unknown" (CONNECTIONLOSS, OPERATIONTIMEOUT) differ in keelCode, `data.retry` and HTTP status;
 * safe refusals carry Retry-After; errors thrown inside a subscription keep their status.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ERROR_CODES, KeelError, type KeelErrorCode, retryRuleOf } from "@keel/core";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Coordinator } from "./coordinator.js";
import { ERROR_POLICIES } from "./errors.js";
import { appRouter } from "./root.js";
import { apiResponseMeta } from "./trpc.js";

/** A coordinator whose every call fails with the KeelError code named by the path ("/fail/NOTREADY"). */
const failing = new Proxy(
  {},
  {
    get(_target, name: string) {
      return (input: { path?: string; prefix?: string }) => {
        const code = (input.path ?? "").split("/")[2] as KeelErrorCode | undefined;
        if (name === "watch") {
          return (async function* () {
            yield* [];
            throw new KeelError(code ?? "SYSTEMERROR", `failed ${name}`);
          })();
        }
        if (code !== undefined) return Promise.reject(new KeelError(code, `failed ${name}`));
        return Promise.resolve({ zxid: "1" });
      };
    },
  },
) as Coordinator;

let server: Server;
let base = "";

beforeAll(async () => {
  const handler = createHTTPHandler({
    router: appRouter,
    createContext: () => ({ coordinator: failing, connection: { watchStreams: 0 }, watchStreamsMax: 10 }),
    responseMeta: apiResponseMeta,
    maxBodySize: 200_000,
  });
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface ErrorBody {
  error: { message: string; data: { keelCode: string | null; wireCode: number | null; retry: string | null } };
}

async function post(
  procedure: string,
  input: unknown,
): Promise<{ status: number; retryAfter: string | null; body: ErrorBody }> {
  const response = await fetch(`${base}/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as ErrorBody,
  };
}

describe("input errors", () => {
  const cases: [string, unknown, string][] = [
    ["node.set", { path: "/a", version: 1.5 }, "version must be an integer from -1 to 2147483647, got 1.5"],
    ["node.set", { path: "/a", version: -2 }, "version must be an integer from -1 to 2147483647, got -2"],
    ["node.set", { path: "/a", version: 2 ** 31 }, "version must be an integer from -1 to 2147483647, got 2147483648"],
    ["node.create", { path: "" }, "path must be a path such as /app/config (not empty)"],
    ["node.create", { path: "/t", kind: "ttl", ttlMs: 0 }, "ttlMs must be an integer from 1 to"],
    ["session.open", { timeoutMs: 0 }, "timeoutMs must be an integer from 1 to"],
    ["session.open", { timeoutMs: -1 }, "got -1"],
    [
      "session.keepAlive",
      { sessionId: "0xabc", secret: "s" },
      'sessionId must be a decimal integer string such as "42"',
    ],
    [
      "node.multi",
      { ops: Array.from({ length: 1001 }, () => ({ type: "check", path: "/a" })) },
      "ops must be a list of 1 to 1000 ops, got a list of 1001",
    ],
  ];
  for (const [procedure, input, message] of cases) {
    it(`${procedure} ${JSON.stringify(input).slice(0, 60)} → BADARGUMENTS`, async () => {
      const { status, body } = await post(procedure, input);
      expect(status).toBe(400);
      expect(body.error.data.keelCode).toBe("BADARGUMENTS");
      expect(body.error.data.wireCode).toBe(ERROR_CODES.BADARGUMENTS);
      expect(body.error.data.retry).toBe("final");
      expect(body.error.message).toContain(message);
    });
  }
});

describe("transport-level input errors", () => {
  it("unparseable JSON is MARSHALLINGERROR (400)", async () => {
    const response = await fetch(`${base}/node.delete`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    const body = (await response.json()) as ErrorBody;
    expect([response.status, body.error.data.keelCode]).toEqual([400, "MARSHALLINGERROR"]);
  });

  it("a body over maxBodySize is BADARGUMENTS (400)", async () => {
    const response = await fetch(`${base}/node.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "/big", data: "x".repeat(300_000) }),
    });
    const body = (await response.json()) as ErrorBody;
    expect([response.status, body.error.data.keelCode]).toEqual([400, "BADARGUMENTS"]);
  });
});

describe("outcomes", () => {
  it("NOTREADY: not applied, 503, safe to retry, Retry-After", async () => {
    const { status, retryAfter, body } = await post("node.delete", { path: "/fail/NOTREADY" });
    expect([status, retryAfter, body.error.data.keelCode, body.error.data.retry]).toEqual([
      503,
      "1",
      "NOTREADY",
      "safe",
    ]);
    expect(body.error.data.wireCode).toBe(-1001);
  });

  it("THROTTLEDOP: 429 with Retry-After, safe to retry", async () => {
    const { status, retryAfter, body } = await post("node.delete", { path: "/fail/THROTTLEDOP" });
    expect([status, retryAfter, body.error.data.keelCode, body.error.data.retry]).toEqual([
      429,
      "1",
      "THROTTLEDOP",
      "safe",
    ]);
  });

  it("CONNECTIONLOSS and OPERATIONTIMEOUT: 504, outcome unknown, no Retry-After", async () => {
    for (const code of ["CONNECTIONLOSS", "OPERATIONTIMEOUT"]) {
      const { status, retryAfter, body } = await post("node.delete", { path: `/fail/${code}` });
      expect([status, retryAfter, body.error.data.keelCode, body.error.data.retry]).toEqual([
        504,
        null,
        code,
        "unknown",
      ]);
    }
  });

  it("an error thrown inside a subscription keeps its Keel code and status, not 500", async () => {
    const input = encodeURIComponent(JSON.stringify({ path: "/fail/NOTREADY", mode: "data" }));
    const response = await fetch(`${base}/watch.events?input=${input}`);
    const text = await response.text();
    // Over HTTP a subscription is a server-sent-event stream: the error is its `serialized-error` event.
    expect(text).toContain('"keelCode":"NOTREADY"');
    expect(text).toContain('"httpStatus":503');
  });

  it("a malformed resume zxid is BADARGUMENTS", async () => {
    const input = encodeURIComponent(JSON.stringify({ path: "/a", mode: "data", afterZxid: "99999999999999999999" }));
    const response = await fetch(`${base}/watch.events?input=${input}`);
    const text = await response.text();
    expect(text).toContain('"keelCode":"BADARGUMENTS"');
  });
});

describe("docs/errors.md", () => {
  const text = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
  it("documents every code: a section with its HTTP status and retry rule, or the list of codes Keel does not send", () => {
    const notSent = text.slice(text.indexOf("## Codes Keel does not send"));
    for (const [code, policy] of Object.entries(ERROR_POLICIES) as [
      KeelErrorCode,
      (typeof ERROR_POLICIES)[KeelErrorCode],
    ][]) {
      const start = text.indexOf(`\n## ${code}\n`);
      if (start < 0) {
        expect(notSent, code).toContain(`\`${code}\``);
        continue;
      }
      const section = text.slice(start, text.indexOf("\n## ", start + 1));
      if (code !== "RUNTIMEINCONSISTENCY") expect(section, code).toContain(`**HTTP** ${policy.httpStatus}`);
      expect(section, code).toContain(`**retry** \`${retryRuleOf(code)}\``);
      expect(section, code).toContain(`${ERROR_CODES[code]}`.replace("-", "−"));
    }
  });
});

describe("the policy table", () => {
  it("gives every code an HTTP status that matches its tRPC code", () => {
    for (const [code, policy] of Object.entries(ERROR_POLICIES)) {
      expect(getHTTPStatusCodeFromError({ code: policy.trpcCode } as never), code).toBe(policy.httpStatus);
    }
  });
});
