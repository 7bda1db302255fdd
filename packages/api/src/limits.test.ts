/**
 * The API edge takes its limits from core's limits.ts, so no layer accepts what another refuses:
 * the largest TTL, version, multi and data the schemas let through are the ones core allows.
 */
import {
  base64CharsFor,
  DATA_BYTES_MAX_CEILING,
  FORCE_RELEASE_REASON_BYTES_MAX,
  MULTI_OPS_MAX,
  SESSION_LIST_LIMIT_MAX,
  TTL_MS_MAX,
  VERSION_MAX,
} from "@keel/core";
import { describe, expect, it } from "vitest";
import {
  createInputSchema,
  deleteInputSchema,
  multiInputSchema,
  sessionListInputSchema,
  setInputSchema,
} from "./schemas.js";

describe("API limits derive from core", () => {
  it("accepts core's largest TTL and refuses one millisecond more", () => {
    expect(createInputSchema.safeParse({ path: "/t", kind: "ttl", ttlMs: TTL_MS_MAX }).success).toBe(true);
    expect(createInputSchema.safeParse({ path: "/t", kind: "ttl", ttlMs: TTL_MS_MAX + 1 }).success).toBe(false);
  });

  it("accepts core's largest version and refuses one more", () => {
    expect(setInputSchema.safeParse({ path: "/v", version: VERSION_MAX }).success).toBe(true);
    expect(setInputSchema.safeParse({ path: "/v", version: VERSION_MAX + 1 }).success).toBe(false);
  });

  it("accepts exactly MULTI_OPS_MAX ops", () => {
    const ops = (n: number) => Array.from({ length: n }, () => ({ type: "check" as const, path: "/a" }));
    expect(multiInputSchema.safeParse({ ops: ops(MULTI_OPS_MAX) }).success).toBe(true);
    expect(multiInputSchema.safeParse({ ops: ops(MULTI_OPS_MAX + 1) }).success).toBe(false);
  });

  it("lets base64 of the largest configurable data through (the server's dataBytesMax decides)", () => {
    const chars = base64CharsFor(DATA_BYTES_MAX_CEILING);
    expect(createInputSchema.safeParse({ path: "/d", dataBase64: "A".repeat(chars) }).success).toBe(true);
    expect(createInputSchema.safeParse({ path: "/d", dataBase64: "A".repeat(chars + 4) }).success).toBe(false);
  });

  it("accepts a force-release reason of core's largest size in characters and refuses one more", () => {
    const input = (chars: number) => ({ path: "/l", forceRelease: { reason: "r".repeat(chars) } });
    expect(deleteInputSchema.safeParse(input(FORCE_RELEASE_REASON_BYTES_MAX)).success).toBe(true);
    expect(deleteInputSchema.safeParse(input(FORCE_RELEASE_REASON_BYTES_MAX + 1)).success).toBe(false);
  });

  it("bounds a session listing by core's SESSION_LIST_LIMIT_MAX", () => {
    expect(sessionListInputSchema.safeParse({ limit: SESSION_LIST_LIMIT_MAX }).success).toBe(true);
    expect(sessionListInputSchema.safeParse({ limit: SESSION_LIST_LIMIT_MAX + 1 }).success).toBe(false);
    expect(sessionListInputSchema.safeParse({ limit: 0 }).success).toBe(false);
  });
});
