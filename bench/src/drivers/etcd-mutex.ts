/**
 * etcd's concurrency Mutex (Go: go.etcd.io/etcd/client/v3/concurrency, mutex.go), ported to the
 * etcd3 npm client, which only ships a fail-fast try-lock. Same algorithm as the Go recipe: each
 * contender puts `<prefix>/<lease id>` under its session lease, its create revision is its place
 * in the queue, and it waits for the deletion of the key just before it (no herd).
 */
import type { Etcd3, Lease, Namespace } from "etcd3";
import type { LockContender } from "../driver.js";

export class EtcdMutex implements LockContender {
  private lease: Lease | undefined;
  private myKey: string | undefined;

  constructor(
    private readonly client: Etcd3 | Namespace,
    private readonly prefix: string,
    private readonly leaseTtlSeconds = 60,
  ) {}

  /** The session: one lease, kept alive by etcd3 in the background. */
  private async sessionLease(): Promise<string> {
    if (!this.lease) this.lease = this.client.lease(this.leaseTtlSeconds);
    return this.lease.grant();
  }

  async acquire(): Promise<void> {
    const leaseId = await this.sessionLease();
    const myKey = `${this.prefix}/${BigInt(leaseId).toString(16)}`;
    this.myKey = myKey;
    const txn = await this.client
      .if(myKey, "Create", "==", 0)
      .then(this.client.put(myKey).value("").lease(leaseId))
      .else(this.client.get(myKey))
      .commit();
    const myRevision = txn.succeeded
      ? BigInt(txn.header.revision)
      : BigInt(txn.responses[0]?.response_range?.kvs[0]?.create_revision ?? txn.header.revision);
    await this.waitDeletes(myRevision - 1n);
  }

  /** Waits until no key under the prefix was created at or before `maxCreateRevision`. */
  private async waitDeletes(maxCreateRevision: bigint): Promise<void> {
    for (;;) {
      const range = await this.client
        .getAll()
        .prefix(`${this.prefix}/`)
        .maxCreateRevision(maxCreateRevision.toString())
        .sort("Create", "Descend")
        .limit(1)
        .exec();
      const last = range.kvs[0];
      if (!last) return;
      const watcher = await this.client
        .watch()
        .key(last.key)
        .startRevision((BigInt(range.header.revision) + 1n).toString())
        .create();
      try {
        await new Promise<void>((resolve, reject) => {
          watcher.on("delete", () => resolve());
          watcher.on("error", reject);
        });
      } finally {
        await watcher.cancel();
      }
    }
  }

  async release(): Promise<void> {
    const myKey = this.myKey;
    this.myKey = undefined;
    if (myKey) await this.client.delete().key(myKey).exec();
  }

  async close(): Promise<void> {
    await this.lease?.revoke().catch(() => undefined);
  }
}
