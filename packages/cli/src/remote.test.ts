import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { type CallKind, classify, mayRetry, type RetryClass } from "./remote.js";

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
