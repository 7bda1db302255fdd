/**
 * The test helpers follow the error contract (docs/errors.md): a write answered "outcome unknown"
 * is never repeated before a read says it did not apply, and only "safe" refusals are retried.
 */
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { retry, writeOnce } from "./helpers.js";

function failure(keelCode: string, retryRule: "safe" | "unknown" | "final"): TRPCClientError<never> {
  return TRPCClientError.from({
    error: { message: keelCode, code: -32603, data: { keelCode, retry: retryRule, httpStatus: 503 } },
  }) as TRPCClientError<never>;
}

describe("writeOnce", () => {
  it("reads back after CONNECTIONLOSS and does not write again when the write applied", async () => {
    let writes = 0;
    const result = await writeOnce(
      async () => {
        writes += 1;
        throw failure("CONNECTIONLOSS", "unknown");
      },
      async () => "found",
      { delayMs: 1 },
    );
    expect(result).toBe("found");
    expect(writes).toBe(1);
  });

  it("writes again after outcome-unknown only when the read says it did not apply", async () => {
    let writes = 0;
    const result = await writeOnce(
      async () => {
        writes += 1;
        if (writes === 1) throw failure("OPERATIONTIMEOUT", "unknown");
        return "written";
      },
      async () => undefined,
      { delayMs: 1 },
    );
    expect([result, writes]).toEqual(["written", 2]);
  });
});

describe("retry", () => {
  it("retries NOTREADY but rethrows CONNECTIONLOSS at once", async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          if (calls === 1) throw failure("NOTREADY", "safe");
          throw failure("CONNECTIONLOSS", "unknown");
        },
        { delayMs: 1 },
      ),
    ).rejects.toMatchObject({ data: { keelCode: "CONNECTIONLOSS" } });
    expect(calls).toBe(2);
  });
});
