/**
 * A local mirror of a subtree, kept current by ONE persistent_recursive watch stream. The watch is
 * opened first (from the client's last seen zxid), then the subtree is read; every event after that
 * re-reads the node it names, so the mirror converges whatever the interleaving of reads and
 * events. Across reconnects the stream resumes without missing an event (watch.ts), so the mirror
 * never silently diverges; if the history was lost, the cache reloads from scratch.
 */
import type { NodeView, StatView } from "@keel/api";
import type { KeelClient } from "../client.js";
import { NoNodeError, WatchResumeError } from "../errors.js";
import { joinPath, parentOf } from "../paths.js";
import type { WatchEvent, WatchStream } from "../watch.js";

export interface CachedNode {
  readonly path: string;
  readonly data: string;
  readonly dataBase64: string;
  readonly stat: StatView;
}

export type TreeCacheEvent =
  | { readonly type: "added" | "updated"; readonly node: CachedNode }
  | { readonly type: "removed"; readonly path: string }
  | { readonly type: "initialized" };

export class TreeCache implements AsyncDisposable {
  private readonly nodes = new Map<string, CachedNode>();
  private readonly listeners = new Set<(event: TreeCacheEvent) => void>();
  private watch: WatchStream | undefined;
  private closed = false;
  private readyResolve: () => void = () => {};
  private readyReject: (error: unknown) => void = () => {};
  /** Resolves once the initial load is done. */
  readonly ready: Promise<void>;
  private failure: unknown;

  constructor(
    private readonly keel: KeelClient,
    readonly root: string,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => undefined);
    void this.run();
  }

  /** The cached node at `path`, if any. */
  get(path: string): CachedNode | undefined {
    return this.nodes.get(path);
  }

  /** The cached children's names of `path`, sorted. */
  children(path: string): string[] {
    const prefix = path === "/" ? "/" : `${path}/`;
    const out: string[] = [];
    for (const key of this.nodes.keys()) {
      if (key.startsWith(prefix) && key !== path && !key.slice(prefix.length).includes("/"))
        out.push(key.slice(prefix.length));
    }
    return out.sort();
  }

  /** Every cached node, by path. */
  entries(): ReadonlyMap<string, CachedNode> {
    return this.nodes;
  }

  /** Calls `listener` for every change; returns a function that stops it. */
  onChange(listener: (event: TreeCacheEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Why the cache stopped, if it did. */
  get error(): unknown {
    return this.failure;
  }

  private emit(event: TreeCacheEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not break the cache.
      }
    }
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      const watch = this.keel.watch(this.root, { mode: "persistent_recursive" });
      this.watch = watch;
      try {
        await watch.ready;
        // The member in use may lag the ensemble: catch up first, so the initial load is current.
        await this.keel.sync(this.root);
        await this.load(this.root);
        this.emit({ type: "initialized" });
        this.readyResolve();
        for await (const event of watch) await this.apply(event);
        return;
      } catch (error) {
        if (this.closed) return;
        if (error instanceof WatchResumeError) {
          // History lost: forget everything and load again.
          for (const path of [...this.nodes.keys()]) this.remove(path);
          continue;
        }
        this.failure = error;
        this.readyReject(error);
        return;
      } finally {
        watch.close();
      }
    }
  }

  private async load(path: string): Promise<void> {
    if (!(await this.refresh(path))) return;
    let names: string[];
    try {
      names = await this.keel.children(path);
    } catch (error) {
      if (error instanceof NoNodeError) return;
      throw error;
    }
    for (const name of names) await this.load(joinPath(path, name));
  }

  /** Re-reads one node into the cache; false when it does not exist. */
  private async refresh(path: string): Promise<boolean> {
    let node: NodeView;
    try {
      node = await this.keel.get(path);
    } catch (error) {
      if (error instanceof NoNodeError) {
        this.remove(path);
        return false;
      }
      throw error;
    }
    const previous = this.nodes.get(path);
    if (previous && BigInt(previous.stat.mzxid) >= BigInt(node.stat.mzxid) && previous.stat.czxid === node.stat.czxid) {
      return true;
    }
    const cached: CachedNode = { path, data: node.data, dataBase64: node.dataBase64, stat: node.stat };
    this.nodes.set(path, cached);
    this.emit({ type: previous ? "updated" : "added", node: cached });
    return true;
  }

  private remove(path: string): void {
    const prefix = `${path}/`;
    for (const key of [...this.nodes.keys()]) {
      if (key === path || key.startsWith(prefix)) {
        this.nodes.delete(key);
        this.emit({ type: "removed", path: key });
      }
    }
  }

  private async apply(event: WatchEvent): Promise<void> {
    switch (event.type) {
      case "NodeDeleted":
        this.remove(event.path);
        return;
      case "NodeCreated":
        // A node created under a parent we have not seen yet: load the parent's subtree.
        if (event.path !== this.root && !this.nodes.has(parentOf(event.path))) await this.load(parentOf(event.path));
        await this.load(event.path);
        return;
      case "NodeDataChanged":
        await this.refresh(event.path);
        return;
      default:
        return;
    }
  }

  close(): void {
    this.closed = true;
    this.watch?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}
