/**
 * The session-expiry checker on hand-made trial records: a table of histories it must accept and
 * one it must reject (with the words the anomaly must contain), both leader-change settings, and
 * the overlap arithmetic that excuses unavailable time. Pure: no servers, no clocks.
 */
import { describe, expect, it } from "vitest";
import type { CheckContext, UnavailableWindow } from "../workloads/workload.js";
import {
  checkSessionTrials,
  SESSION_LATE_TOLERANCE_MS,
  type SessionCall,
  type SessionCallOutcome,
  type SessionRead,
  type SessionTrialRecord,
  unavailableOverlapMs,
} from "./session-checker.js";

const T = 3000;
/** The default trial's last ok keep-alive: invoked at 1500, answered at 1510. */
const LAST_TOUCH_SENT_MS = 1500;
const PROMISE_MS = 1510 + T;
const TOLERANCE = SESSION_LATE_TOLERANCE_MS;

function call(invokeMs: number, completeMs: number, outcome: SessionCallOutcome = "ok"): SessionCall {
  return { invokeMs, completeMs, outcome, server: "http://127.0.0.1:1" };
}

/** An observer's polls every 100 ms in [fromMs, toMs), each answered 5 ms later. */
function polls(fromMs: number, toMs: number, present: boolean): SessionRead[] {
  const reads: SessionRead[] = [];
  for (let at = fromMs; at < toMs; at += 100) reads.push({ ...call(at, at + 5), present });
  return reads;
}

function failedRead(atMs: number): SessionRead {
  return { ...call(atMs, atMs + 2000, "fail"), error: "timeout after 2000 ms" };
}

/** Kept alive until 1510, silent after; seen present last at `lastPresentMs` and absent from 100 ms after. */
function trial(lastPresentMs: number, overrides: Partial<SessionTrialRecord> = {}): SessionTrialRecord {
  return {
    trial: 1,
    path: "/chaos-sessions/t1",
    requestedTimeoutMs: T,
    open: call(0, 10),
    sessionId: "7",
    timeoutMs: T,
    create: call(10, 20),
    keepAlives: [call(750, 760), call(LAST_TOUCH_SENT_MS, 1510)],
    silenceStartMs: 1510,
    reads: [
      ...polls(100, lastPresentMs, true),
      { ...call(lastPresentMs, lastPresentMs + 5), present: true },
      ...polls(lastPresentMs + 100, lastPresentMs + 400, false),
    ],
    ...overrides,
  };
}

function context(unavailable: UnavailableWindow[] = []): CheckContext {
  return { unavailable, workloadEndMs: 60_000 };
}

function leaderChange(startMs: number, endMs: number): UnavailableWindow {
  return { startMs, endMs, kind: "kill-leader", leaderChanged: true };
}

const RESET = { resetAllowedAfter: () => true };
const NO_RESET = { resetAllowedAfter: () => false };

describe("checkSessionTrials accepts", () => {
  const cases: [string, SessionTrialRecord, CheckContext][] = [
    ["an expiry right at the promise", trial(PROMISE_MS - 100), context()],
    ["an expiry within the tolerance", trial(PROMISE_MS + TOLERANCE - 50), context()],
    [
      "a read that completes after the earliest end and sees the node gone",
      trial(LAST_TOUCH_SENT_MS + T - 100),
      context(),
    ],
    [
      "lateness explained by an unavailable window without a leader change",
      trial(PROMISE_MS + 3500),
      context([{ startMs: PROMISE_MS - 100, endMs: PROMISE_MS + 3000, kind: "pause", leaderChanged: false }]),
    ],
    [
      "a leader elected during the silence restarting the timeout (reset allowed)",
      trial(PROMISE_MS + 200 + T - 100),
      context([leaderChange(PROMISE_MS - 500, PROMISE_MS + 200)]),
    ],
    [
      "an abandoned keep-alive that may have touched the session late",
      trial(5000 + T - 100, {
        keepAlives: [call(750, 760), call(LAST_TOUCH_SENT_MS, 1510), call(3000, 5000, "unknown")],
      }),
      context(),
    ],
    [
      "failed reads, which say nothing",
      trial(PROMISE_MS - 100, { reads: [...polls(100, 2000, true), failedRead(2100), ...polls(4500, 4800, false)] }),
      context(),
    ],
    [
      "an explicit close, gone at once",
      trial(1900, { close: call(2000, 2010), reads: [...polls(100, 2000, true), ...polls(2050, 2300, false)] }),
      context(),
    ],
    [
      "a failed create whose node is never seen",
      trial(0, { create: call(10, 20, "fail"), keepAlives: [], reads: polls(100, 400, false) }),
      context(),
    ],
    [
      "an unknown create whose node is never seen",
      trial(0, { create: call(10, 2010, "unknown"), keepAlives: [], reads: polls(2100, 2400, false) }),
      context(),
    ],
    ["a session that was never opened", trial(0, { open: call(0, 2000, "unknown"), reads: [] }), context()],
  ];
  it.each(cases)("%s", (_name, record, checkContext) => {
    const result = checkSessionTrials([record], checkContext, RESET);
    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe("valid");
  });
});

describe("checkSessionTrials rejects", () => {
  const cases: [string, SessionTrialRecord, CheckContext, string][] = [
    [
      "a node gone before the last keep-alive's invoke + T",
      trial(LAST_TOUCH_SENT_MS + T - 300),
      context(),
      "session 7 expired early",
    ],
    [
      "a node gone before the open's invoke + T when nothing kept it alive",
      trial(2000, { keepAlives: [] }),
      context(),
      "expired early",
    ],
    ["a node present past the promise + tolerance", trial(PROMISE_MS + TOLERANCE + 200), context(), "past its timeout"],
    [
      "a node never seen gone",
      trial(0, { reads: polls(100, 9000, true) }),
      context(),
      "never seen gone (promised expiry at 4510 ms",
    ],
    [
      "a node still present after its session's close was acknowledged",
      trial(2100, { close: call(2000, 2010) }),
      context(),
      "closed 2000 ms–2010 ms but /chaos-sessions/t1 still present",
    ],
    [
      "a node seen again after it was seen gone",
      trial(PROMISE_MS - 100, {
        reads: [...polls(100, 4500, true), ...polls(4500, 4700, false), ...polls(4700, 4800, true)],
      }),
      context(),
      "seen again",
    ],
    [
      "a node present though its create failed",
      trial(400, { create: call(10, 20, "fail"), keepAlives: [] }),
      context(),
      "though its create failed",
    ],
    [
      "lateness a leader change before the last keep-alive cannot explain",
      trial(PROMISE_MS + TOLERANCE + 500),
      context([leaderChange(500, 1000)]),
      "past its timeout",
    ],
  ];
  it.each(cases)("%s", (_name, record, checkContext, expected) => {
    const result = checkSessionTrials([record], checkContext, RESET);
    expect(result.verdict).toBe("anomaly");
    expect(result.anomalies.join("\n")).toContain(expected);
  });
});

describe("a leader change during the silence", () => {
  const window = leaderChange(PROMISE_MS - 500, PROMISE_MS + 200);
  const reset = trial(PROMISE_MS + 200 + T - 100);

  it("is an anomaly when a reset is not allowed, and counted either way", () => {
    const result = checkSessionTrials([reset], context([window]), NO_RESET);
    expect(result.anomalies.join("\n")).toContain("kept alive long past its timeout across a leader change");
    expect(result.stats).toMatchObject({
      "spanning leader change": 1,
      late: 1,
      "late (reset allowed)": 0,
      "late (reset not allowed)": 1,
      "spanning leader change lateness max ms": 200 + T - 100,
    });
  });

  it("does not count a leader change after the node was last seen present", () => {
    const afterward = leaderChange(PROMISE_MS + 50, PROMISE_MS + 300);
    const result = checkSessionTrials([trial(PROMISE_MS - 100)], context([afterward]), NO_RESET);
    expect(result.verdict).toBe("valid");
    expect(result.stats["spanning leader change"]).toBe(0);
  });

  it("allows only the window itself without a reset", () => {
    const withinWindow = trial(PROMISE_MS + 200 + TOLERANCE - 50);
    expect(checkSessionTrials([withinWindow], context([window]), NO_RESET).verdict).toBe("valid");
  });

  it("allows a reset after a fault that permits one even when a later leader change does not", () => {
    const killAll = { ...window, kind: "kill-all" };
    const killLeader = leaderChange(PROMISE_MS + 200 + T - 400, PROMISE_MS + 200 + T - 300);
    const afterKillAll = { resetAllowedAfter: (w: UnavailableWindow) => w.kind === "kill-all" };
    expect(checkSessionTrials([reset], context([killAll, killLeader]), afterKillAll).verdict).toBe("valid");
    const strict = checkSessionTrials([reset], context([{ ...window, kind: "kill-leader" }, killLeader]), afterKillAll);
    expect(strict.verdict).toBe("anomaly");
  });

  it("allows no more than window end + T with a reset", () => {
    const tooLate = trial(PROMISE_MS + 200 + T + TOLERANCE + 100);
    const result = checkSessionTrials([tooLate], context([window]), RESET);
    expect(result.anomalies.join("\n")).toContain("across a leader change");
  });
});

describe("unavailableOverlapMs", () => {
  const pause = (startMs: number, endMs: number): UnavailableWindow => ({
    startMs,
    endMs,
    kind: "pause",
    leaderChanged: false,
  });
  const cases: [string, UnavailableWindow[], number, number, number][] = [
    ["no windows", [], 0, 1000, 0],
    ["a window inside", [pause(100, 300)], 0, 1000, 200],
    ["a window clipped at both ends", [pause(-100, 2000)], 0, 1000, 1000],
    ["overlapping windows counted once", [pause(100, 500), pause(300, 700)], 0, 1000, 600],
    ["a window outside", [pause(2000, 3000)], 0, 1000, 0],
  ];
  it.each(cases)("%s", (_name, windows, fromMs, toMs, expected) => {
    expect(unavailableOverlapMs(windows, fromMs, toMs)).toBe(expected);
  });
});
