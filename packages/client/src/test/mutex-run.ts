/**
 * The mutual-exclusion run shared by the suite's short version and the long one: contenders loop
 * acquire → fenced write → hold → release while faults are injected, and every critical section is
 * recorded with its fencing token and the times it began and ENDED (the release, or the moment the
 * lock-lost signal fired, whichever came first: after that the holder no longer acts as holder).
 */
import type { KeelClient } from "../client.js";
import { KeelClientError } from "../errors.js";
import type { Lease } from "../recipes/hold.js";
import type { Harness } from "./harness.js";

export interface Section {
  readonly contender: number;
  readonly token: bigint;
  readonly enteredAt: number;
  exitedAt: number;
  lost: boolean;
  fencedWriteAccepted: boolean;
}

export interface MutexRun {
  readonly sections: Section[];
  readonly errors: string[];
}

export async function runContenders(
  harness: Harness,
  options: { contenders: number; lockName: string; stop: AbortSignal; holdMs: number },
): Promise<MutexRun> {
  const sections: Section[] = [];
  const errors: string[] = [];
  const newClient = () => harness.client({ sessionTimeoutMs: 4000, requestTimeoutMs: 20_000 });
  const contender = async (index: number) => {
    let keel: KeelClient = await newClient();
    while (!options.stop.aborted) {
      const state = keel.state.name;
      if (state === "expired" || state === "closed") keel = await newClient();
      let lease: Lease;
      try {
        lease = await keel.lock(options.lockName).acquire({ signal: options.stop });
      } catch (error) {
        if (options.stop.aborted) return;
        errors.push(`acquire ${index}: ${error instanceof Error ? error.message : String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      const section: Section = {
        contender: index,
        token: lease.fencingToken,
        enteredAt: performance.now(),
        exitedAt: Number.POSITIVE_INFINITY,
        lost: false,
        fencedWriteAccepted: false,
      };
      sections.push(section);
      const onLost = () => {
        section.lost = true;
        section.exitedAt = Math.min(section.exitedAt, performance.now());
      };
      lease.signal.addEventListener("abort", onLost, { once: true });
      try {
        await lease.fenced([
          { type: "set", path: `/${options.lockName}-resource`, data: String(lease.fencingToken), version: -1 },
        ]);
        section.fencedWriteAccepted = true;
      } catch (error) {
        if (!(error instanceof KeelClientError)) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, options.holdMs));
      section.exitedAt = Math.min(section.exitedAt, performance.now());
      lease.signal.removeEventListener("abort", onLost);
      await lease.release().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: options.contenders }, (_, index) => contender(index)));
  return { sections, errors };
}

/** Overlapping critical sections in token order (each must end before the next one begins). */
export function overlaps(sections: readonly Section[]): string[] {
  const ordered = [...sections].sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  const out: string[] = [];
  for (let index = 1; index < ordered.length; index++) {
    const previous = ordered[index - 1] as Section;
    const next = ordered[index] as Section;
    if (next.token === previous.token) out.push(`token ${next.token} granted twice`);
    if (next.enteredAt < previous.exitedAt) {
      out.push(
        `token ${next.token} (contender ${next.contender}) entered ${(previous.exitedAt - next.enteredAt).toFixed(1)} ms before token ${previous.token} (contender ${previous.contender}) exited`,
      );
    }
  }
  return out;
}

/** The largest of `tokens` (bigints: Math.max does not take them). */
export function maxToken(tokens: readonly bigint[]): bigint {
  let most = -1n;
  for (const token of tokens) if (token > most) most = token;
  return most;
}
