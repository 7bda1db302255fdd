/** Which node kind `create`'s flags ask for; one table so the unit test and the help agree. */
import type { NodeKind } from "@keel/api";
import { UsageError } from "./cli-error.js";

export interface KindFlags {
  readonly ephemeral: boolean;
  readonly sequential: boolean;
  readonly ttl: boolean;
  readonly container: boolean;
}

export function nodeKindOf(flags: KindFlags): NodeKind {
  if (flags.container) {
    if (flags.ephemeral || flags.sequential || flags.ttl)
      throw new UsageError("--container cannot be combined with -e, -s or --ttl");
    return "container";
  }
  if (flags.ttl) {
    if (flags.ephemeral) throw new UsageError("--ttl and -e exclude each other: a TTL node outlives its creator");
    return flags.sequential ? "ttl_sequential" : "ttl";
  }
  if (flags.ephemeral) return flags.sequential ? "ephemeral_sequential" : "ephemeral";
  return flags.sequential ? "persistent_sequential" : "persistent";
}

/** The ancestors of a path, shallowest first: /a/b/c → /a, /a/b. */
export function ancestors(path: string): string[] {
  const parts = path.split("/").filter((part) => part.length > 0);
  return parts.slice(0, -1).map((_, index) => `/${parts.slice(0, index + 1).join("/")}`);
}
