/**
 * The sequential-create checker: concurrent persistent-sequential creates under one parent that no
 * one deletes from, then one linearizable listing of the children with their data. Keel numbers a
 * sequential child by the count of children ever created under the parent (docs/data-model.md §2),
 * so the promises are: (a) no two acknowledged creates got one name; (b) no acknowledged create is
 * lost; (c) every listed child was written by a create that was acknowledged or left unknown, never
 * by one refused (no phantom); (d) the listing's numbers are exactly 0..n-1 (no gap); (e) a create
 * acknowledged before another was invoked got the smaller number (real-time order).
 */
import type { Outcome } from "../history.js";
import { verdictFromAnomalies, type WorkloadCheckResult } from "../workloads/workload.js";

export interface SequentialCreate {
  readonly process: number;
  /** Unique per create (`<process>:<n>`): how a listed child names its writer. */
  readonly data: string;
  readonly invokeMs: number;
  /** Undefined for `unknown`. */
  readonly completeMs: number | undefined;
  readonly outcome: Outcome;
  /** The child's name (with its sequential suffix) the server answered, for `ok`. */
  readonly name?: string;
  readonly error?: string;
}

export interface ListedChild {
  readonly name: string;
  readonly data: string;
}

export interface SequentialRecord {
  readonly parent: string;
  readonly creates: readonly SequentialCreate[];
  /** The final listing; undefined when the cluster did not answer it. */
  readonly listing: readonly ListedChild[] | undefined;
}

/** Enough examples per anomaly kind for a person to act on, without flooding the report. */
const EXAMPLES_MAX = 10;

export function checkSequential(record: SequentialRecord): WorkloadCheckResult {
  const anomalies: string[] = [];
  const ok = record.creates.filter((create) => create.outcome === "ok");
  anomalies.push(...duplicateNames(ok));
  const listing = record.listing;
  const attribution = listing === undefined ? undefined : attributeListing(record, listing);
  if (listing !== undefined && attribution !== undefined) {
    anomalies.push(...lostCreates(ok, listing), ...attribution.anomalies, ...gaps(listing));
  }
  anomalies.push(...realTimeViolations(ok, attribution?.tookEffect ?? []));
  const count = (outcome: Outcome) => record.creates.filter((create) => create.outcome === outcome).length;
  return {
    checker: "sequential",
    // Without the listing, (b)-(d) could not be checked: a clean record is not proof.
    verdict: anomalies.length === 0 && listing === undefined ? "unknown" : verdictFromAnomalies(anomalies),
    anomalies:
      listing === undefined ? [...anomalies, "no final listing: lost, phantom and gap checks not run"] : anomalies,
    stats: {
      "create ok": ok.length,
      "create fail": count("fail"),
      "create unknown": count("unknown"),
      "unknown that took effect": attribution?.tookEffect.filter((c) => c.create.outcome === "unknown").length ?? 0,
      children: listing?.length ?? 0,
    },
  };
}

/** The number in a sequential name (ZooKeeper's `%010d`: ten digits, or `-` and nine), if it has one. */
export function sequentialNumber(name: string): number | undefined {
  const match = /(\d{10}|-\d{9})$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

function describeCreate(create: SequentialCreate): string {
  const completed = create.completeMs === undefined ? "no answer" : `${create.completeMs.toFixed(0)} ms`;
  const name = create.name === undefined ? "" : ` → ${create.name}`;
  return `create "${create.data}" by process ${create.process} (${create.outcome}, invoked ${create.invokeMs.toFixed(0)} ms, completed ${completed}${name})`;
}

function capped(lines: string[], what: string): string[] {
  if (lines.length <= EXAMPLES_MAX) return lines;
  return [...lines.slice(0, EXAMPLES_MAX), `… and ${lines.length - EXAMPLES_MAX} more ${what}`];
}

/** (a) Two acknowledged creates answered with one name. */
function duplicateNames(ok: readonly SequentialCreate[]): string[] {
  const byName = new Map<string, SequentialCreate[]>();
  for (const create of ok) {
    if (create.name === undefined) continue;
    byName.set(create.name, [...(byName.get(create.name) ?? []), create]);
  }
  const lines = [...byName]
    .filter(([, creates]) => creates.length > 1)
    .map(([name, creates]) => `duplicate sequential name ${name}: ${creates.map(describeCreate).join("; ")}`);
  return capped(lines, "duplicate names");
}

/** (b) An acknowledged create missing from the listing, or listed with another writer's data. */
function lostCreates(ok: readonly SequentialCreate[], listing: readonly ListedChild[]): string[] {
  const dataByName = new Map(listing.map((child) => [child.name, child.data]));
  const lines: string[] = [];
  for (const create of ok) {
    if (create.name === undefined) continue;
    const data = dataByName.get(create.name);
    if (data === undefined)
      lines.push(`lost acknowledged create: ${describeCreate(create)} is not in the final listing`);
    else if (data !== create.data) lines.push(`wrong data: ${describeCreate(create)} is listed with data "${data}"`);
  }
  return capped(lines, "lost creates");
}

interface Attribution {
  /** Each listed child with the create that wrote it (ok or unknown). */
  readonly tookEffect: readonly { readonly create: SequentialCreate; readonly name: string }[];
  readonly anomalies: readonly string[];
}

/** (c) Each listed child's data names its writer: an ok or unknown create, applied once. */
function attributeListing(record: SequentialRecord, listing: readonly ListedChild[]): Attribution {
  const createByData = new Map(record.creates.map((create) => [create.data, create]));
  const namesByData = new Map<string, string[]>();
  const tookEffect: { create: SequentialCreate; name: string }[] = [];
  const lines: string[] = [];
  for (const child of listing) {
    const path = `${record.parent}/${child.name}`;
    const create = createByData.get(child.data);
    namesByData.set(child.data, [...(namesByData.get(child.data) ?? []), child.name]);
    if (create === undefined) {
      lines.push(`phantom child ${path}: data "${child.data}" was written by no create`);
    } else if (create.outcome === "fail") {
      lines.push(
        `phantom child ${path}: written by a refused create (${create.error ?? "fail"}): ${describeCreate(create)}`,
      );
    } else {
      tookEffect.push({ create, name: child.name });
    }
  }
  for (const [data, names] of namesByData) {
    if (names.length > 1) lines.push(`create "${data}" applied ${names.length} times: ${names.join(", ")}`);
  }
  return { tookEffect, anomalies: capped(lines, "phantom children") };
}

/** (d) With no deletes, the listed numbers are exactly 0..n-1. */
function gaps(listing: readonly ListedChild[]): string[] {
  const numbers = new Set<number>();
  const lines: string[] = [];
  for (const child of listing) {
    const number = sequentialNumber(child.name);
    if (number === undefined) lines.push(`child ${child.name} has no sequential suffix`);
    else numbers.add(number);
  }
  let highest = -1;
  for (const number of numbers) highest = Math.max(highest, number);
  const missing: number[] = [];
  for (let n = 0; n <= highest; n++) if (!numbers.has(n)) missing.push(n);
  if (missing.length > 0) {
    const shown = missing.slice(0, 20).join(", ");
    const more = missing.length > 20 ? ` … (${missing.length} in all)` : "";
    lines.push(
      `gap in sequential numbers: ${numbers.size} children, highest ${highest}, missing ${shown}${more} (nothing is ever deleted here)`,
    );
  }
  return lines;
}

/**
 * (e) Real time: A acknowledged before B was invoked means seq(A) < seq(B). B may also be an
 * unknown create that took effect: it happened after its invoke, whenever that was. One sweep over
 * the invocations in time order, keeping the highest number among creates already acknowledged.
 */
function realTimeViolations(
  ok: readonly SequentialCreate[],
  tookEffect: readonly { readonly create: SequentialCreate; readonly name: string }[],
): string[] {
  const numbered = new Map<SequentialCreate, number>();
  const note = (create: SequentialCreate, name: string | undefined) => {
    const number = name === undefined ? undefined : sequentialNumber(name);
    if (number !== undefined) numbered.set(create, number);
  };
  for (const create of ok) note(create, create.name);
  for (const { create, name } of tookEffect) if (create.outcome === "unknown") note(create, name);
  const acknowledged = [...numbered]
    .filter(([create]) => create.completeMs !== undefined)
    .sort(([a], [b]) => (a.completeMs ?? 0) - (b.completeMs ?? 0));
  const invoked = [...numbered].sort(([a], [b]) => a.invokeMs - b.invokeMs);
  const lines: string[] = [];
  let highest: readonly [SequentialCreate, number] | undefined;
  let next = 0;
  for (const [create, number] of invoked) {
    for (; next < acknowledged.length; next++) {
      const candidate = acknowledged[next] as [SequentialCreate, number];
      if ((candidate[0].completeMs ?? 0) >= create.invokeMs) break;
      if (highest === undefined || candidate[1] > highest[1]) highest = candidate;
    }
    if (highest !== undefined && highest[1] >= number) {
      lines.push(
        `real-time order broken: ${describeCreate(highest[0])} got number ${highest[1]}, ` +
          `but ${describeCreate(create)}, invoked after that, got number ${number}`,
      );
    }
  }
  return capped(lines, "real-time violations");
}
