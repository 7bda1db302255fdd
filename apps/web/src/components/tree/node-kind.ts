/**
 * What the node view says about a node's kind: the badge's label and colour, and for TTL nodes
 * the time left before the ensemble may remove it (the TTL runs from the last modification, and a
 * node with children is kept).
 */
import type { NodeKind } from "@keel/api";

export interface KindBadge {
  label: string;
  color: string;
}

const BADGES: Record<NodeKind, KindBadge> = {
  persistent: { label: "persistent", color: "gray" },
  persistent_sequential: { label: "persistent · sequential", color: "gray" },
  ephemeral: { label: "ephemeral", color: "violet" },
  ephemeral_sequential: { label: "ephemeral · sequential", color: "violet" },
  container: { label: "container", color: "cyan" },
  ttl: { label: "TTL", color: "orange" },
  ttl_sequential: { label: "TTL · sequential", color: "orange" },
};

/** A server from before `kind` was reported sends none: say so rather than guess. */
export function kindBadge(kind: NodeKind | undefined): KindBadge {
  return (kind === undefined ? undefined : BADGES[kind]) ?? { label: kind ?? "kind unknown", color: "gray" };
}

export function isTtlKind(kind: NodeKind): boolean {
  return kind === "ttl" || kind === "ttl_sequential";
}

export function isEphemeralKind(kind: NodeKind): boolean {
  return kind === "ephemeral" || kind === "ephemeral_sequential";
}

/** Ms left before a TTL node may expire: mtime + ttl - now, never below 0. */
export function ttlLeftMs(mtimeMs: number, ttlMs: number, nowMs: number): number {
  return Math.max(0, mtimeMs + ttlMs - nowMs);
}

/**
 * The kinds the create form offers. Ephemerals are left out: one belongs to a client's session and
 * would vanish with the console's tab, which is never what an operator means.
 */
export const CREATABLE_KINDS: readonly NodeKind[] = [
  "persistent",
  "persistent_sequential",
  "container",
  "ttl",
  "ttl_sequential",
];

/** ACL permission bits as ZooKeeper's letters, in its order: c d r w a. */
export function permissionLetters(perms: number): string {
  const letters: [number, string][] = [
    [4, "c"],
    [8, "d"],
    [1, "r"],
    [2, "w"],
    [16, "a"],
  ];
  return letters.map(([bit, letter]) => (perms & bit ? letter : "-")).join("");
}
