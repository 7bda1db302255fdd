/**
 * How a failed call is recorded (docs/errors.md's retry rules): a table of the errors the HTTP
 * client really throws — Keel errors as the server sends them (keelCode + retry), wire failures
 * as undici reports them, and the client-side deadline — against the outcome for a write and a read.
 */
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { classifyFailure } from "./outcome.js";

function keelError(keelCode: string, retry: "safe" | "unknown" | "final"): TRPCClientError<never> {
  return TRPCClientError.from({
    error: { message: `${keelCode}: …`, code: -32603, data: { keelCode, retry, wireCode: 0, httpStatus: 500 } },
  });
}

function wireError(code: string): TRPCClientError<never> {
  return TRPCClientError.from(Object.assign(new TypeError("fetch failed"), { cause: { code } }));
}

const rows: readonly {
  name: string;
  error: unknown;
  timedOut?: boolean;
  write: "fail" | "unknown";
  read: "fail" | "unknown";
  memberUnavailable: boolean;
}[] = [
  {
    name: "BADVERSION (final)",
    error: keelError("BADVERSION", "final"),
    write: "fail",
    read: "fail",
    memberUnavailable: false,
  },
  {
    name: "NONODE (final)",
    error: keelError("NONODE", "final"),
    write: "fail",
    read: "fail",
    memberUnavailable: false,
  },
  {
    name: "NOTREADY (safe)",
    error: keelError("NOTREADY", "safe"),
    write: "fail",
    read: "fail",
    memberUnavailable: true,
  },
  {
    name: "THROTTLEDOP (safe)",
    error: keelError("THROTTLEDOP", "safe"),
    write: "fail",
    read: "fail",
    memberUnavailable: true,
  },
  {
    name: "CONNECTIONLOSS (unknown)",
    error: keelError("CONNECTIONLOSS", "unknown"),
    write: "unknown",
    read: "fail",
    memberUnavailable: true,
  },
  {
    name: "OPERATIONTIMEOUT (unknown)",
    error: keelError("OPERATIONTIMEOUT", "unknown"),
    write: "unknown",
    read: "fail",
    memberUnavailable: true,
  },
  {
    name: "SYSTEMERROR (unknown)",
    error: keelError("SYSTEMERROR", "unknown"),
    write: "unknown",
    read: "fail",
    memberUnavailable: true,
  },
  {
    name: "connection refused: never sent",
    error: wireError("ECONNREFUSED"),
    write: "fail",
    read: "fail",
    memberUnavailable: true,
  },
  {
    name: "connection reset: maybe sent",
    error: wireError("ECONNRESET"),
    write: "unknown",
    read: "fail",
    memberUnavailable: true,
  },
  {
    name: "socket closed: maybe sent",
    error: wireError("UND_ERR_SOCKET"),
    write: "unknown",
    read: "fail",
    memberUnavailable: true,
  },
  {
    name: "client-side deadline",
    error: TRPCClientError.from(new DOMException("aborted", "AbortError")),
    timedOut: true,
    write: "unknown",
    read: "fail",
    memberUnavailable: true,
  },
  { name: "not a wire error at all", error: new Error("bug"), write: "unknown", read: "fail", memberUnavailable: true },
];

describe("classifyFailure", () => {
  it.each(rows)("$name: a write is $write, a read $read", (row) => {
    const context = { timedOut: row.timedOut ?? false, timeoutMs: 2000 };
    const asWrite = classifyFailure(row.error, { ...context, isRead: false });
    const asRead = classifyFailure(row.error, { ...context, isRead: true });
    expect(asWrite.outcome).toBe(row.write);
    expect(asRead.outcome).toBe(row.read);
    expect(asWrite.memberUnavailable).toBe(row.memberUnavailable);
    expect(asWrite.error.length).toBeGreaterThan(0);
  });

  it("names the Keel code in the recorded error", () => {
    expect(
      classifyFailure(keelError("BADVERSION", "final"), { isRead: false, timedOut: false, timeoutMs: 2000 }).error,
    ).toBe("BADVERSION");
  });
});
