// Crash simulation with a real process: a child appends batches and reports each one after
// write() returns; the parent SIGKILLs it mid-stream, reopens the store, and checks that every
// acknowledged batch is there, byte for byte, and that the log ends on a batch boundary (a
// half-written batch is never visible). SIGKILL loses the process, not the page cache, so this
// checks atomicity and acknowledgement order; power-loss fsync behaviour needs a fault-injecting
// file system and is out of scope (docs/storage.md, "What is tested").
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ZXID_ZERO, zxid } from "@keel/core";
import { describe, expect, it } from "vitest";
import { batchSize, txnFor } from "./test-data.js";
import { open, tempDir } from "./test-helpers.js";

const CHILD = fileURLToPath(new URL("./test-crash-child.ts", import.meta.url));
const CHILD_START_TIMEOUT_MS = 20_000;

/** Runs the child until it has acknowledged `acksBeforeKill` batches, then SIGKILLs it; returns the last acked counter. */
function runAndKill(dir: string, acksBeforeKill: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", CHILD, dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let acked = 0;
    let lastCounter = 0;
    let buffered = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), CHILD_START_TIMEOUT_MS);
    child.stderr?.on("data", (data: Buffer) => {
      stderr += data.toString();
    });
    child.stdout?.on("data", (data: Buffer) => {
      buffered += data.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        lastCounter = Number(line.split(" ")[1]);
        acked += 1;
      }
      if (acked >= acksBeforeKill) child.kill("SIGKILL");
    });
    child.on("exit", (_code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL" && acked >= acksBeforeKill) resolve(lastCounter);
      else reject(new Error(`child ended early (signal ${signal}, ${acked} acks): ${stderr}`));
    });
  });
}

function batchBoundaries(maxCounter: number): Set<number> {
  const boundaries = new Set<number>([0]);
  let counter = 0;
  for (let batch = 1; counter <= maxCounter; batch++) {
    counter += batchSize(batch);
    boundaries.add(counter);
  }
  return boundaries;
}

describe("crash", () => {
  it("keeps every acknowledged batch and no half batch across repeated SIGKILLs", { timeout: 60_000 }, async () => {
    const dir = tempDir();
    let acknowledged = 0;
    for (const acks of [30, 300, 120]) {
      acknowledged = Math.max(acknowledged, await runAndKill(dir, acks));
      const store = open(dir, { ensembleId: "crash" });
      const last = Number(store.lastLoggedZxid() - zxid(1, 0));
      expect(last).toBeGreaterThanOrEqual(acknowledged);
      expect(batchBoundaries(last).has(last), `log ends at ${last}, inside a batch`).toBe(true);
      const stored = store.entriesAfter(ZXID_ZERO, 1_000_000, 1 << 30);
      expect(stored).toHaveLength(last);
      stored.forEach((entry, index) => {
        expect(entry.zxid).toBe(zxid(1, index + 1));
        expect(Buffer.from(entry.txn).equals(Buffer.from(txnFor(1, index + 1, 512)))).toBe(true);
      });
      store.close();
      acknowledged = last; // the next child continues from what survived
    }
  });
});
