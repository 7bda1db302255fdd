/**
 * Keel's lock contender: the SDK's own `Lock` recipe (`@keel/client`, docs/client.md), one client
 * (one WebSocket, one session) per contender. The recipe is ZooKeeper's ephemeral-sequential lock
 * with each waiter watching only its predecessor, so the bench compares the same algorithm as
 * ZooKeeper's row, plus what the SDK adds (fencing token, lost signal). The lock lives at
 * `/keel/locks/<name>`, named after the workload's lock path.
 */
import { connect, type KeelClient, type Lease, type Lock } from "@keel/client";
import type { LockContender } from "../driver.js";

export class KeelLock implements LockContender {
  private lease: Lease | undefined;

  private constructor(
    private readonly client: KeelClient,
    private readonly lock: Lock,
  ) {}

  static async open(clientUrl: string, lockPath: string): Promise<KeelLock> {
    const client = await connect({ servers: [clientUrl], sessionTimeoutMs: 10_000, label: "bench" });
    const name = lockPath.split("/").filter(Boolean).join("-");
    return new KeelLock(client, client.lock(name));
  }

  async acquire(): Promise<void> {
    this.lease = await this.lock.acquire();
  }

  async release(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    await lease?.release();
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
