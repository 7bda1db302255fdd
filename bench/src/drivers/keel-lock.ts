/**
 * STAND-IN lock recipe for Keel, until `packages/client` ships its recipes: ZooKeeper's
 * ephemeral-sequential lock written against the public API (docs/api.md), so the bench compares
 * the same algorithm on all three systems. Replace with the SDK's lock when it exists.
 *
 * Each contender has its own WebSocket and session (session.open, then session.attach binds the
 * session to the connection). acquire: create `<lock>/lock-` as ephemeral_sequential, list the
 * children; the lowest holds the lock; otherwise watch the predecessor with a one-shot `exists`
 * watch resumed from our own create zxid (`afterZxid`), so a deletion that happened between the
 * listing and the subscription is replayed, not missed. Then list again (ZooKeeper's recipe).
 */
import type { LockContender } from "../driver.js";
import { type KeelWs, keelCodeOf, keelWs } from "./keel-api.js";

/** A safety net only: how long to wait for the predecessor's event before listing again. */
const predecessorWaitMs = 5_000;

interface Unsubscribable {
  unsubscribe(): void;
}

export class KeelLock implements LockContender {
  private mine: string | undefined;
  private attachment: Unsubscribable | undefined;

  private constructor(
    private readonly api: KeelWs,
    private readonly lockPath: string,
    private readonly session: { sessionId: string; secret: string },
  ) {}

  static async open(clientUrl: string, lockPath: string): Promise<KeelLock> {
    const api = keelWs(clientUrl);
    const opened = await api.client.session.open.mutate({ timeoutMs: 10_000 });
    const session = { sessionId: opened.sessionId, secret: opened.secret };
    const lock = new KeelLock(api, lockPath, session);
    await new Promise<void>((resolve, reject) => {
      lock.attachment = api.client.session.attach.subscribe(
        { ...session, lastZxidSeen: "0" },
        {
          onData: (event) => {
            if (event.type === "attached") resolve();
          },
          onError: reject,
        },
      );
    });
    return lock;
  }

  async acquire(): Promise<void> {
    const created = await this.api.client.node.create.mutate({
      path: `${this.lockPath}/lock-`,
      kind: "ephemeral_sequential",
      session: this.session,
    });
    this.mine = created.path;
    const name = created.path.slice(this.lockPath.length + 1);
    const myZxid = created.stat.czxid;
    for (;;) {
      const { children } = await this.api.client.node.children.query({ path: this.lockPath });
      const names = children.map((c) => c.name).sort();
      const index = names.indexOf(name);
      if (index < 0) throw new Error(`keel lock: our node ${created.path} vanished`);
      if (index === 0) return;
      await this.waitForDeletion(`${this.lockPath}/${names[index - 1]}`, myZxid);
    }
  }

  private waitForDeletion(predecessor: string, afterZxid: string): Promise<void> {
    return new Promise<void>((resolve) => {
      let subscription: Unsubscribable | undefined;
      const done = (): void => {
        clearTimeout(timer);
        subscription?.unsubscribe();
        resolve();
      };
      const timer = setTimeout(done, predecessorWaitMs);
      subscription = this.api.client.watch.events.subscribe(
        { path: predecessor, mode: "exists", afterZxid },
        {
          // A Progress event only says the stream is current (docs/api.md): keep waiting.
          onData: ({ data }) => {
            if (data.type !== "Progress") done();
          },
          onError: done,
          onComplete: done,
        },
      );
    });
  }

  async release(): Promise<void> {
    const mine = this.mine;
    this.mine = undefined;
    if (!mine) return;
    try {
      await this.api.client.node.delete.mutate({ path: mine, version: -1 });
    } catch (error) {
      if (keelCodeOf(error) !== "NONODE") throw error;
    }
  }

  async close(): Promise<void> {
    this.attachment?.unsubscribe();
    await this.api.client.session.close.mutate(this.session).catch(() => undefined);
    this.api.socket.close();
  }
}
