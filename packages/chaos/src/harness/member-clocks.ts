/**
 * Per-member wall clocks for the `clock-skew` nemesis, with Debian's libfaketime: every member
 * starts with LD_PRELOAD of the library and its own timestamp file, whose offset ("+7200",
 * "-172800", in seconds) the nemesis rewrites while the member runs. Only the wall clock moves
 * (CLOCK_REALTIME: `Date.now()`, `new Date()`); FAKETIME_DONT_FAKE_MONOTONIC keeps CLOCK_MONOTONIC
 * (`performance.now()`, timers) true, as an NTP step or an operator's `date -s` would.
 *
 * What this proves: Keel's timing (ticks, session deadlines, election and sync limits, request
 * deadlines) never trusts a wall clock, neither across members nor within one across a step.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's libfaketime (package `libfaketime`; scripts/ensure-test-packages.sh installs it). */
export const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";
/** libfaketime re-reads the timestamp file at most this often (s): a step lands within a second. */
const REREAD_SECONDS = 1;

export function assertCanSkewClocks(): void {
  if (!existsSync(LIBFAKETIME)) {
    throw new Error(
      `the clock-skew nemesis needs libfaketime (${LIBFAKETIME}): apt-get install libfaketime, or leave clock-skew out of --nemesis`,
    );
  }
}

export class MemberClocks {
  private readonly offsets = new Map<number, number>();

  private constructor(private readonly dir: string) {}

  static create(memberIds: readonly number[]): MemberClocks {
    assertCanSkewClocks();
    const clocks = new MemberClocks(mkdtempSync(join(tmpdir(), "keel-chaos-clocks-")));
    for (const id of memberIds) clocks.set(id, 0);
    return clocks;
  }

  /** The environment member `id` starts with. */
  envFor(id: number): Record<string, string> {
    return {
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME_TIMESTAMP_FILE: this.fileOf(id),
      FAKETIME_DONT_FAKE_MONOTONIC: "1",
      FAKETIME_CACHE_DURATION: String(REREAD_SECONDS),
    };
  }

  /** Steps member `id`'s wall clock to `offsetSeconds` from the true time (0: true time again). */
  set(id: number, offsetSeconds: number): void {
    if (!Number.isInteger(offsetSeconds)) throw new Error(`clock offset must be whole seconds, got ${offsetSeconds}`);
    writeFileSync(this.fileOf(id), `${offsetSeconds >= 0 ? "+" : ""}${offsetSeconds}\n`);
    this.offsets.set(id, offsetSeconds);
  }

  offsetOf(id: number): number {
    return this.offsets.get(id) ?? 0;
  }

  /** Whether any member's clock is off. */
  get skewed(): boolean {
    return [...this.offsets.values()].some((offset) => offset !== 0);
  }

  resetAll(): void {
    for (const id of this.offsets.keys()) this.set(id, 0);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private fileOf(id: number): string {
    return join(this.dir, `member-${id}.faketime`);
  }
}
