/**
 * The single `replica_meta` row: identity (server, ensemble, format) and the epochs ZAB must
 * persist before ACKEPOCH and ACK(NEWLEADER) (docs/protocol.md §1 and §5). Cold path: drizzle.
 */
import type { Epoch, ReplicaEpochs, Zxid } from "@keel/core";
import { eq } from "drizzle-orm";
import type { Drizzle } from "./connection.js";
import { replicaMeta } from "./schema.js";

const META_ROW_ID = 1;

export interface ReplicaMeta extends ReplicaEpochs {
  readonly formatVersion: number;
  readonly serverId: number;
  readonly ensembleId: string;
  /** The log holds every entry with zxid > logStartZxid (0: nothing was ever purged or replaced). */
  readonly logStartZxid: Zxid;
}

export function readMeta(db: Drizzle): ReplicaMeta | undefined {
  const row = db.select().from(replicaMeta).where(eq(replicaMeta.id, META_ROW_ID)).get();
  if (row === undefined) return undefined;
  return {
    formatVersion: row.formatVersion,
    serverId: row.serverId,
    ensembleId: row.ensembleId,
    acceptedEpoch: row.acceptedEpoch as Epoch,
    currentEpoch: row.currentEpoch as Epoch,
    logStartZxid: row.logStartZxid as Zxid,
  };
}

export function insertMeta(db: Drizzle, meta: ReplicaMeta): void {
  db.insert(replicaMeta)
    .values({ id: META_ROW_ID, ...meta })
    .run();
}

export function updateMeta(db: Drizzle, change: Partial<Omit<ReplicaMeta, "formatVersion">>): void {
  db.update(replicaMeta).set(change).where(eq(replicaMeta.id, META_ROW_ID)).run();
}
