/** The audit feed's wording of each delete cause. */
import type { DeleteCauseView } from "@keel/api";
import { describe, expect, it } from "vitest";
import { describeCause } from "./describe-cause";

describe("describeCause", () => {
  it.each<[DeleteCauseView, string]>([
    [{ kind: "delete", sessionId: "255" }, "deleted by session 0xff"],
    [{ kind: "forceRelease", sessionId: "16", reason: "holder hung" }, "force-released by session 0x10: holder hung"],
    [{ kind: "sessionExpired", sessionId: "1" }, "owner session 0x1 expired"],
    [{ kind: "sessionClosed", sessionId: "2" }, "owner session 0x2 closed"],
    [{ kind: "ttlExpired" }, "TTL expired"],
    [{ kind: "containerEmpty" }, "container emptied"],
  ])("%j → %s", (cause, expected) => {
    expect(describeCause(cause)).toBe(expected);
  });
});
