/**
 * Shared helpers for the real-process integration tests: retrying calls across a failover by the
 * error contract (docs/errors.md), and polling for a condition. Waiting is by polling with a
 * deadline, never by fixed sleeps that assume how fast a machine is.
 *
 * `retry` retries only refusals that are safe to retry (NOTREADY, THROTTLEDOP, connection
 * refused); a write whose outcome is unknown (CONNECTIONLOSS, OPERATIONTIMEOUT) is never repeated
 * blindly: createOnce / writeOnce read first. Reads use retryRead.
 */
import { keelCodeOf } from "@keel/testkit";

export { createOnce, keelCodeOf, retryRead, retrySafe as retry, writeOnce } from "@keel/testkit";

export async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function expectKeelError(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error === undefined) throw new Error(`expected ${code}, but the call succeeded`);
  if (keelCodeOf(error) !== code) throw new Error(`expected ${code}, got ${keelCodeOf(error)}: ${String(error)}`);
}
