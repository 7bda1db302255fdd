/**
 * Pure: turns one server's raw answers to the script into values that two correct servers
 * agree on. Absolute zxids, session ids and times differ between any two runs, so:
 * - a zxid becomes `pre` (older than the script's baseline zxid, e.g. the system nodes' 0 is
 *   `0`) or `@<step>` (the step where that zxid was first seen; `#k` tells apart several new
 *   zxids of one step). Labels by step, not by count, keep one server's extra zxid in one step
 *   from relabelling every later step; equalities (mzxid = czxid, a parent's pzxid = a child's
 *   czxid) survive as equal labels.
 * - ephemeralOwner becomes `none`, `session:<client>` or `other:<hex>`; a sessionId the same.
 * - ctime becomes `0` or `set`, mtime its relation to ctime.
 * - children, getEphemerals paths and one step's watch events are sorted: ZooKeeper promises no
 *   order for the first two, nor among the events of one transaction.
 */
import type { Step } from "./script.js";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One line of run_script.py's output. */
export interface RawStepResult {
  readonly step: string;
  readonly ok?: Json;
  readonly error?: string;
}

export type Outcome = { readonly ok: Json } | { readonly error: string };

export interface NormalStepResult {
  readonly step: string;
  readonly outcome: Outcome;
}

const zxidKeys = new Set(["czxid", "mzxid", "pzxid"]);
const sortedListKeys = new Set(["children", "paths", "events"]);

class Labeller {
  private readonly zxids = new Map<bigint, string>();
  private readonly sessions = new Map<bigint, string>();
  private step = "";
  private newInStep = 0;

  constructor(private readonly baselineZxid: bigint) {}

  enterStep(step: string): void {
    this.step = step;
    this.newInStep = 0;
  }

  nameSession(id: bigint, client: string): string {
    this.sessions.set(id, `session:${client}`);
    return `session:${client}`;
  }

  zxid(value: bigint): string {
    if (value === 0n) return "0";
    if (value < this.baselineZxid) return "pre";
    let label = this.zxids.get(value);
    if (label === undefined) {
      this.newInStep += 1;
      label = this.newInStep === 1 ? `@${this.step}` : `@${this.step}#${this.newInStep}`;
      this.zxids.set(value, label);
    }
    return label;
  }

  owner(value: bigint): string {
    if (value === 0n) return "none";
    return this.sessions.get(value) ?? `other:${BigInt.asUintN(64, value).toString(16)}`;
  }
}

function isRecord(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function big(value: Json | undefined, what: string): bigint {
  if (typeof value !== "string" && typeof value !== "number") throw new Error(`${what}: not a number: ${value}`);
  return BigInt(value);
}

function normaliseStat(stat: { [key: string]: Json }, labels: Labeller): Json {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(stat)) {
    if (zxidKeys.has(key)) out[key] = labels.zxid(big(value, key));
    else if (key === "ephemeralOwner") out[key] = labels.owner(big(value, key));
    else if (key === "ctime") out[key] = value === 0 ? "0" : "set";
    else if (key === "mtime") {
      const ctime = stat.ctime as number;
      out[key] = value === 0 ? "0" : (value as number) >= ctime ? ">=ctime" : "<ctime";
    } else out[key] = value;
  }
  return out;
}

function sortedCopy(list: Json[], labels: Labeller): Json[] {
  return list
    .map((item) => normaliseValue(item, labels))
    .sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : JSON.stringify(x) > JSON.stringify(y) ? 1 : 0));
}

function normaliseValue(value: Json, labels: Labeller): Json {
  if (Array.isArray(value)) return value.map((item) => normaliseValue(item, labels));
  if (!isRecord(value)) return value;
  if ("czxid" in value && "ephemeralOwner" in value) return normaliseStat(value, labels);
  const out: { [key: string]: Json } = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = sortedListKeys.has(key) && Array.isArray(item) ? sortedCopy(item, labels) : normaliseValue(item, labels);
  }
  return out;
}

function baselineOf(raw: readonly RawStepResult[], baselineStep: string): bigint {
  const result = raw.find((r) => r.step === baselineStep);
  const stat = isRecord(result?.ok) ? result.ok.stat : undefined;
  if (!isRecord(stat)) throw new Error(`baseline step "${baselineStep}" has no stat: ${JSON.stringify(result)}`);
  return big(stat.czxid, "baseline czxid");
}

/**
 * Normalises one run. `raw` must answer every step of `steps`, in order (run_script.py prints
 * one line per step); anything else means the runner itself broke, and throws.
 */
export function normaliseRun(
  steps: readonly Step[],
  raw: readonly RawStepResult[],
  baselineStep: string,
): NormalStepResult[] {
  if (raw.length !== steps.length || raw.some((r, i) => r.step !== steps[i]?.id)) {
    const got = raw.map((r) => r.step);
    throw new Error(`the run answered ${raw.length} of ${steps.length} steps; last answered: ${got.slice(-3)}`);
  }
  const labels = new Labeller(baselineOf(raw, baselineStep));
  return raw.map((result, index) => {
    const step = steps[index] as Step;
    labels.enterStep(step.id);
    if (result.error !== undefined) return { step: step.id, outcome: { error: result.error } };
    const ok = result.ok ?? null;
    if (step.op === "open" && isRecord(ok)) {
      const session = labels.nameSession(big(ok.sessionId, "sessionId"), step.client ?? "a");
      return { step: step.id, outcome: { ok: { ...ok, sessionId: session } } };
    }
    return { step: step.id, outcome: { ok: normaliseValue(ok, labels) } };
  });
}
