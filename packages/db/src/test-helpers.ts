/** Shared helpers for the db tests: temp dirs, deterministic entries, opening stores. Not built. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach } from "vitest";
import { openReplicaStore, type ReplicaStore, type ReplicaStoreOptions } from "./replica-store.js";

export { entries, epochs, txnFor } from "./test-data.js";

export const IDENTITY = { serverId: 1, ensembleId: "test-ensemble" } as const;

const dirs: string[] = [];
const stores: ReplicaStore[] = [];

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp dir, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "keel-db-"));
  dirs.push(dir);
  return dir;
}

/** Opens a store that the test harness closes afterwards. */
export function open(dir: string, options: Partial<ReplicaStoreOptions> = {}): ReplicaStore {
  const store = openReplicaStore(dir, { ...IDENTITY, ...options });
  stores.push(store);
  return store;
}

/** Edits a closed store behind the ReplicaStore's back, as a disk or an operator could. */
export function tamper(file: string, statement: string): void {
  const sqlite = new Database(file);
  try {
    sqlite.exec(statement);
  } finally {
    sqlite.close();
  }
}
