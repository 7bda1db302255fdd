/**
 * A consistent, read-only view of a DataTree as it was at one zxid, kept while the live tree goes
 * on applying txns (docs/storage.md, "Incremental snapshots"). Copy-on-write at node granularity:
 * taking the view copies nothing but the session list; before the live tree first changes, creates
 * or deletes a path, it hands the view that path's old node (or "absent"), so the view answers from
 * that pre-image and from the live tree for everything untouched. Cost while a snapshot is being
 * written: one small node copy per path changed during the write; never a pause proportional to
 * the tree.
 */
import type { Zxid } from "../ids.js";
import type { SessionRecord } from "../sessions/session-table.js";
import { baseName, childPath, parentPath } from "./path.js";
import type { Znode } from "./znode.js";

/** What the snapshot writer reads (codec/snapshot-codec.ts): a live DataTree or a capture of one. */
export interface SnapshotSourceTree {
  readonly lastAppliedZxid: Zxid;
  node(path: string): Readonly<Znode> | undefined;
  childrenSorted(path: string): string[] | undefined;
  sortedSessions(): SessionRecord[];
}

/** The live tree's internals a capture reads (DataTree implements it). */
export interface CaptureSource {
  liveNode(path: string): Znode | undefined;
  release(capture: TreeCapture): void;
}

const ABSENT = null;

export class TreeCapture implements SnapshotSourceTree {
  /** Path -> its node when the capture was taken (ABSENT: it did not exist), for paths changed since. */
  private readonly before = new Map<string, Readonly<Znode> | typeof ABSENT>();
  /** Parent path -> child names created or deleted since the capture (candidates the live children miss or add). */
  private readonly touchedChildren = new Map<string, Set<string>>();
  private released = false;

  constructor(
    private readonly source: CaptureSource,
    readonly lastAppliedZxid: Zxid,
    private readonly sessions: SessionRecord[],
  ) {}

  /** Called by the live tree before it changes `path` (fields, creation or deletion). */
  preserve(path: string): void {
    if (this.before.has(path)) return;
    const live = this.source.liveNode(path);
    this.before.set(path, live === undefined ? ABSENT : live.copyFields());
    if (path !== "/") {
      const parent = parentPath(path);
      let names = this.touchedChildren.get(parent);
      if (names === undefined) {
        names = new Set();
        this.touchedChildren.set(parent, names);
      }
      names.add(baseName(path));
    }
  }

  node(path: string): Readonly<Znode> | undefined {
    const kept = this.before.get(path);
    if (kept !== undefined) return kept ?? undefined;
    return this.source.liveNode(path);
  }

  childrenSorted(path: string): string[] | undefined {
    const node = this.node(path);
    if (node === undefined) return undefined;
    const live = this.source.liveNode(path)?.children;
    const names = new Set<string>(live ?? []);
    for (const name of this.touchedChildren.get(path) ?? []) names.add(name);
    const out: string[] = [];
    for (const name of names) if (this.node(childPath(path, name)) !== undefined) out.push(name);
    return out.sort();
  }

  sortedSessions(): SessionRecord[] {
    return this.sessions;
  }

  /** Pre-images kept so far (observability and tests). */
  get preservedCount(): number {
    return this.before.size;
  }

  /** Stops the copy-on-write; the view must not be read afterwards. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.source.release(this);
  }
}
