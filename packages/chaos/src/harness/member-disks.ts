/**
 * Per-member disks for the `disk-full` nemesis: every member's data directory is its own small
 * tmpfs, mounted before the member first starts, so that one member's disk can run out of space
 * while the others (and the machine) keep theirs. Filling writes a filler file (fallocate) that
 * leaves only a few pages free; emptying deletes it. Needs root (mount, umount).
 *
 * What this proves: when its store cannot write (SQLITE_FULL / ENOSPC) a member stops instead of
 * acknowledging what it could not persist, no acknowledged write is lost, and the member comes back
 * on its old data once space returns.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Each member's tmpfs. A 10-minute run under every nemesis at the default concurrency leaves a
 * member's store far below this (the summary prints what each member used); the room above that
 * is for the WAL, which SQLite lets grow to 64 MiB before it truncates it, and for snapshots.
 * tmpfs takes memory only for what is written, so the size is a cap, not a cost.
 */
export const MEMBER_DISK_BYTES = 256 * 1024 * 1024;
/** What a full disk still has free: a few pages, so that a write can start and run out midway. */
const FULL_DISK_FREE_BYTES = 16 * 1024;
const FILLER_NAME = "disk-full-filler";

export function assertCanFillDisks(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "the disk nemesis (disk-full) needs root: it mounts a tmpfs for each member's data directory. " +
        "Run as root, or leave disk-full out of --nemesis.",
    );
  }
}

export interface DiskUsage {
  readonly usedBytes: number;
  readonly sizeBytes: number;
}

export class MemberDisks {
  private readonly mounted: string[] = [];
  private readonly filled = new Set<number>();
  private readonly everFilled = new Set<number>();
  /** Unmounts lazily if the harness dies without `remove()`: a mount would outlive the process. */
  private readonly onExit = () => {
    for (const dir of this.mounted) unmount(dir, { lazy: true });
  };

  private constructor(
    private readonly rootDir: string,
    private readonly sizeBytes: number,
  ) {}

  static create(memberIds: readonly number[], sizeBytes = MEMBER_DISK_BYTES): MemberDisks {
    assertCanFillDisks();
    const disks = new MemberDisks(mkdtempSync(join(tmpdir(), "keel-chaos-disks-")), sizeBytes);
    process.on("exit", disks.onExit);
    try {
      for (const id of memberIds) disks.mount(id);
    } catch (error) {
      disks.remove();
      throw error;
    }
    return disks;
  }

  /** The data directory member `id` starts with: the root of its tmpfs. */
  dataDirOf(id: number): string {
    return join(this.rootDir, `server-${id}`);
  }

  /** Fills member `id`'s disk to FULL_DISK_FREE_BYTES free; returns the free bytes left. */
  fill(id: number): number {
    const dir = this.dataDirOf(id);
    const fillerBytes = freeBytes(dir) - FULL_DISK_FREE_BYTES;
    if (fillerBytes > 0) execFileSync("fallocate", ["-l", String(fillerBytes), join(dir, FILLER_NAME)]);
    this.filled.add(id);
    this.everFilled.add(id);
    return freeBytes(dir);
  }

  /** Whether member `id`'s disk was filled at some point in the run. */
  wasFilled(id: number): boolean {
    return this.everFilled.has(id);
  }

  /** Gives member `id`'s disk its space back. */
  empty(id: number): void {
    rmSync(join(this.dataDirOf(id), FILLER_NAME), { force: true });
    this.filled.delete(id);
  }

  /** The members whose disks are full now. */
  get filledIds(): number[] {
    return [...this.filled];
  }

  /** What member `id`'s store uses of its disk (a filler not counted). */
  usageOf(id: number): DiskUsage {
    const dir = this.dataDirOf(id);
    const stats = statfsSync(dir);
    const filler = join(dir, FILLER_NAME);
    // stat's blocks are 512-byte units whatever the file system's block size.
    const fillerBytes = existsSync(filler) ? statSync(filler).blocks * 512 : 0;
    return {
      usedBytes: (stats.blocks - stats.bfree) * stats.bsize - fillerBytes,
      sizeBytes: stats.blocks * stats.bsize,
    };
  }

  /** Unmounts every disk (call once the members are stopped) and removes the mount points. */
  remove(): void {
    const failures: string[] = [];
    for (const dir of this.mounted.splice(0)) {
      try {
        unmount(dir, { lazy: false });
      } catch (error) {
        failures.push(`${dir}: ${(error as Error).message}`);
      }
    }
    process.off("exit", this.onExit);
    // A mount point still mounted is left as it is: removing it would delete inside the mount.
    if (failures.length > 0) throw new Error(`could not unmount member disks: ${failures.join("; ")}`);
    rmSync(this.rootDir, { recursive: true, force: true });
  }

  private mount(id: number): void {
    const dir = this.dataDirOf(id);
    mkdirSync(dir);
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${this.sizeBytes},mode=0700`, "tmpfs", dir]);
    this.mounted.push(dir);
  }
}

function freeBytes(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

/**
 * A busy mount (a member still holding its files) is detached lazily rather than left behind; the
 * kernel frees it when the last file closes.
 */
function unmount(dir: string, options: { readonly lazy: boolean }): void {
  if (!existsSync(dir)) return;
  try {
    execFileSync("umount", options.lazy ? ["-l", dir] : [dir], { stdio: "ignore" });
  } catch {
    execFileSync("umount", ["-l", dir], { stdio: "ignore" });
  }
}
