import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { type CallKind, classify, mayRetry, Remote, type RetryClass } from "./remote.js";

function serverError(keelCode: string, retry: string | null) {
  return TRPCClientError.from({
    error: { message: `${keelCode}: boom`, code: -32603, data: { keelCode, retry, httpStatus: 500 } },
  } as never);
}

function networkError(code: string) {
  const cause = Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error(code), { code }) });
  return new TRPCClientError("fetch failed", { cause });
}

describe("classify", () => {
  it.each([
    { error: serverError("NOTREADY", "safe"), retry: "safe", keelCode: "NOTREADY" },
    { error: serverError("CONNECTIONLOSS", "unknown"), retry: "unknown", keelCode: "CONNECTIONLOSS" },
    { error: serverError("NONODE", "final"), retry: "final", keelCode: "NONODE" },
    // a refused connection never sent the request; a reset may have delivered it
    { error: networkError("ECONNREFUSED"), retry: "safe", keelCode: "CONNECTIONLOSS", unreachable: true },
    { error: networkError("ECONNRESET"), retry: "unknown", keelCode: "CONNECTIONLOSS" },
    { error: new CliError("mine", 1, "BADARGUMENTS"), retry: "final", keelCode: "BADARGUMENTS" },
    { error: new Error("bug"), retry: "final", keelCode: undefined },
  ])("$keelCode ($retry)", ({ error, retry, keelCode, unreachable }) => {
    const classified = classify(error);
    expect(classified.retry).toBe(retry);
    expect(classified.keelCode).toBe(keelCode);
    expect(classified.unreachable === true).toBe(unreachable === true);
  });
});

describe("mayRetry", () => {
  it.each<[CallKind, RetryClass, boolean]>([
    ["read", "safe", true],
    ["read", "unknown", true],
    ["read", "final", false],
    ["write", "safe", true],
    // a write that may have applied must not be repeated blindly
    ["write", "unknown", false],
    ["write", "final", false],
  ])("%s after %s → %s", (kind, retry, expected) => {
    expect(mayRetry(kind, retry)).toBe(expected);
  });
});

describe("Remote and refused credentials", () => {
  const servers = ["http://a", "http://b", "http://c"];
  /** Runs one call whose answer each server gives; returns its outcome and the servers asked, in order. */
  async function call(kind: CallKind, answers: Record<string, () => unknown>) {
    const asked: string[] = [];
    const remote = new Remote({ servers, timeoutMs: 60_000 });
    const run = (_client: unknown, _signal: AbortSignal, server: string) => {
      asked.push(server);
      return Promise.resolve().then(answers[server] ?? (() => "ok"));
    };
    const outcome = await (kind === "read" ? remote.read(run) : remote.write(run)).catch((error: unknown) => error);
    return { outcome, asked };
  }
  const refuse = () => {
    throw serverError("AUTHFAILED", "final");
  };

  it.each<CallKind>(["read", "write"])("a %s refused by every server fails after one try each", async (kind) => {
    const { outcome, asked } = await call(kind, { "http://a": refuse, "http://b": refuse, "http://c": refuse });
    expect(outcome).toBeInstanceOf(CliError);
    expect((outcome as CliError).keelCode).toBe("AUTHFAILED");
    expect(asked).toEqual(servers);
  });

  it("goes on to a server that knows a just-created user", async () => {
    const { outcome, asked } = await call("write", { "http://a": refuse, "http://b": () => "done" });
    expect(outcome).toBe("done");
    expect(asked).toEqual(["http://a", "http://b"]);
  });

  it("still fails any other final refusal at once", async () => {
    const { outcome, asked } = await call("read", {
      "http://a": () => {
        throw serverError("NONODE", "final");
      },
    });
    expect((outcome as CliError).keelCode).toBe("NONODE");
    expect(asked).toEqual(["http://a"]);
  });
});
