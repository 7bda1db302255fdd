/**
 * The deliberate differences between Keel's ZooKeeper port and Debian's ZooKeeper 3.8 that the
 * differential script shows. Each says why; docs/zookeeper-compat.md carries the same table.
 * Each `accepts` checks that Keel differs exactly as described and is equal in all else; a
 * difference not in this table fails the test.
 */
import { isDeepStrictEqual } from "node:util";
import type { DocumentedDifference } from "./compare.js";
import type { Json, Outcome } from "./normalise.js";

type JsonRecord = { [key: string]: Json };

function okRecord(outcome: Outcome): JsonRecord | undefined {
  if (!("ok" in outcome)) return undefined;
  const ok = outcome.ok;
  return typeof ok === "object" && ok !== null && !Array.isArray(ok) ? ok : undefined;
}

function asRecord(value: Json | undefined): JsonRecord | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
}

const keelRootReason =
  "Keel's root has one more child, `keel` (the root of Keel's recipes), so `/` lists it and the " +
  "root's numChildren is one higher. `keel` exists from the start, like `zookeeper`, and counts " +
  "in cversion as ZooKeeper counts its own system children (a fresh ZooKeeper root has cversion " +
  "-1 with one child, `/zookeeper` -2 with two): Keel's root cversion is ZooKeeper's minus one.";

/** Keel's root stat: ZooKeeper's plus the `keel` child, and nothing else changed. */
function rootStatWithKeel(reference: JsonRecord, other: JsonRecord): boolean {
  const expected = {
    ...reference,
    numChildren: (reference.numChildren as number) + 1,
    cversion: (reference.cversion as number) - 1,
  };
  return isDeepStrictEqual(expected, other);
}

function rootStatStep(step: string): DocumentedDifference {
  return {
    step,
    reason: keelRootReason,
    accepts(reference, other) {
      const ref = okRecord(reference);
      const oth = okRecord(other);
      const refStat = asRecord(ref?.stat);
      const othStat = asRecord(oth?.stat);
      if (!ref || !oth || !refStat || !othStat) return false;
      return rootStatWithKeel(refStat, othStat) && isDeepStrictEqual({ ...ref, stat: null }, { ...oth, stat: null });
    },
  };
}

function rootChildrenStep(step: string): DocumentedDifference {
  return {
    step,
    reason: keelRootReason,
    accepts(reference, other) {
      const children = okRecord(reference)?.children;
      if (!Array.isArray(children)) return false;
      const expected = [...children, "keel"].sort();
      return isDeepStrictEqual(okRecord(other), { children: expected });
    },
  };
}

const containerReason =
  "Keel's leader deletes an emptied container on its next housekeeping pass (within ticks); " +
  "ZooKeeper's container manager looks every 60 s by default, so there it lingers. Keel's " +
  "reaper races this step: Keel's answer is either ZooKeeper's (not reaped yet) or gone.";

export const documentedDifferences: readonly DocumentedDifference[] = [
  ...["(start)", "(end)"].flatMap((when) => [
    rootStatStep(`exists / ${when}`),
    rootStatStep(`get / ${when}`),
    rootStatStep(`getAcl / ${when}`),
    rootChildrenStep(`children / ${when}`),
  ]),
  {
    step: "exists emptied container",
    reason: containerReason,
    accepts: (reference, other) =>
      asRecord(okRecord(reference)?.stat) !== undefined && isDeepStrictEqual(other, { ok: { stat: null } }),
  },
  {
    step: "delete emptied container",
    reason: containerReason,
    accepts: (reference, other) =>
      isDeepStrictEqual(reference, { ok: {} }) && isDeepStrictEqual(other, { error: "NoNodeError" }),
  },
  {
    step: "get null data",
    reason:
      "ZooKeeper keeps a create's null data as null and sends it back as a null buffer (length -1); " +
      "Keel stores data as bytes, so null becomes empty and comes back as length 0. dataLength is 0 " +
      "on both, and clients read both as no data.",
    accepts(reference, other) {
      const ref = okRecord(reference);
      const oth = okRecord(other);
      return ref?.data === null && oth?.data === "" && isDeepStrictEqual({ ...ref, data: "" }, oth);
    },
  },
  {
    step: "check outside multi",
    reason:
      "check (op 13) is valid only inside a multi. ZooKeeper 3.8.0 fails with a NullPointerException " +
      "while building its answer and never replies (the client times out); Keel answers UNIMPLEMENTED " +
      "and closes the connection, as ZooKeeper does for every other op it will not serve.",
    accepts: (_reference, other) => isDeepStrictEqual(other, { error: "UnimplementedError" }),
  },
];
