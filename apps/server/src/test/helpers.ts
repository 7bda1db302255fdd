/**
 * Shared helpers for the real-process integration tests: retrying calls across a failover, and
 * polling for a condition. Waiting is by polling with a deadline, never by fixed sleeps that
 * assume how fast a machine is.
 */
import { TRPCClientError } from "@trpc/client";

export function keelCodeOf(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const data = error.data as { keelCode?: string | null } | undefined;
    return data?.keelCode ?? undefined;
  }
  return undefined;
}

/** Errors a client should retry after: no leader yet, a dead server, a timeout. */
function isTransient(error: unknown): boolean {
  const code = keelCodeOf(error);
  if (code === "CONNECTIONLOSS" || code === "OPERATIONTIMEOUT" || code === "REQUESTTIMEOUT") return true;
  if (error instanceof TRPCClientError && code === undefined) return true; // network failure
  return false;
}

export async function retry<T>(call: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

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
