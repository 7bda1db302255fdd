/** A ServerStatus fixture shared by the ops tests (test-*.ts files are excluded from the build). */

import type { ServerStatus } from "./health.js";

export const followerStatus: ServerStatus = {
  serverId: 2,
  ensembleId: "prod",
  version: "0.1.0",
  role: "following",
  leaderId: 3,
  synced: true,
  lastZxid: (5n << 32n) | 7n,
  currentEpoch: 5,
  uptimeMs: 12_345,
  latencyMs: { min: 0, avg: 1.5, max: 9 },
  packetsReceived: 100,
  packetsSent: 99,
  connections: 4,
  outstandingRequests: 1,
  sessions: 3,
  znodes: 42,
  watches: 6,
  ephemerals: 2,
  approximateDataBytes: 2048,
  leader: null,
};
