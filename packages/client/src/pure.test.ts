import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.js";
import { fromBase64, toBase64, utf8Bytes } from "./bytes.js";
import { Channel } from "./channel.js";
import { DeadlineTimer, type TimerClock } from "./deadline-timer.js";
import { fromCallError, keelErrorFor, NoNodeError, NotReadyError } from "./errors.js";
import {
  ancestorsOf,
  checkRecipeName,
  compareZxid,
  joinPath,
  parentOf,
  parseSequential,
  sortBySequence,
} from "./paths.js";
import { exclusiveBlocker } from "./recipes/hold.js";
import { readerBlocker } from "./recipes/rwlock.js";
import { SessionStateMachine, suspectDeadline } from "./state.js";
import { checkRequestSize, webSocketUrl } from "./transport.js";
import { ResumePoint } from "./watch.js";
import { packMessages } from "./ws-link.js";

describe("backoff", () => {
  it.each([
    [0, 0, 25],
    [0, 1, 50],
    [1, 0, 50],
    [3, 1, 400],
    [10, 1, 1000],
    [30, 0, 500],
  ])("attempt %i with random %f waits %f ms", (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, () => random)).toBe(expected);
  });
  it("never exceeds the cap and never waits zero", () => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const delay = backoffDelayMs(attempt, Math.random);
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    }
  });
  it("rejects a negative attempt", () => {
    expect(() => backoffDelayMs(-1, Math.random)).toThrow(RangeError);
  });
});

describe("paths", () => {
  it.each([
    ["lock-0000000042", { prefix: "lock-", sequence: 42 }],
    ["read-0000000000", { prefix: "read-", sequence: 0 }],
    ["0000000007", undefined],
    ["lock-42", undefined],
    ["lock-00000000x2", undefined],
  ])("parseSequential(%s)", (name, expected) => {
    expect(parseSequential(name)).toEqual(expected);
  });
  it("sorts by sequence across prefixes and ignores strangers", () => {
    const sorted = sortBySequence(
      ["write-0000000003", "read-0000000001", "junk", "read-0000000010", "claim-read-0000000002"],
      ["read-", "write-"],
    );
    expect(sorted.map((entry) => entry.name)).toEqual(["read-0000000001", "write-0000000003", "read-0000000010"]);
  });
  it("joins, splits and lists ancestors", () => {
    expect(joinPath("/", "a")).toBe("/a");
    expect(joinPath("/a", "b")).toBe("/a/b");
    expect(() => joinPath("/a", "b/c")).toThrow(RangeError);
    expect(parentOf("/a/b")).toBe("/a");
    expect(parentOf("/a")).toBe("/");
    expect(ancestorsOf("/keel/locks/x")).toEqual(["/keel", "/keel/locks"]);
    expect(() => checkRecipeName("a/b")).toThrow(RangeError);
    expect(() => checkRecipeName("..")).toThrow(RangeError);
  });
  it("compares zxids as 64-bit numbers, not strings", () => {
    expect(compareZxid("9", "10")).toBe(-1);
    expect(compareZxid("18446744073709551615", "18446744073709551614")).toBe(1);
    expect(compareZxid("5", "5")).toBe(0);
  });
});

describe("queue rules", () => {
  const queue = (names: string[]) => sortBySequence(names, ["read-", "write-", "lock-"]);
  it("a lock waits for its predecessor only", () => {
    const entries = queue(["lock-0000000001", "lock-0000000002", "lock-0000000003"]);
    expect(exclusiveBlocker(entries, 0)).toBeUndefined();
    expect(exclusiveBlocker(entries, 2)).toBe("lock-0000000002");
  });
  it("a reader waits for the last writer ahead of it", () => {
    const entries = queue(["read-0000000001", "write-0000000002", "read-0000000003", "read-0000000004"]);
    expect(readerBlocker(entries, 0)).toBeUndefined();
    expect(readerBlocker(entries, 2)).toBe("write-0000000002");
    expect(readerBlocker(entries, 3)).toBe("write-0000000002");
  });
});

describe("session state machine (the client-side rule)", () => {
  it("turns suspect at timeout × 2/3 after the last confirmation was SENT", () => {
    const machine = new SessionStateMachine(3000);
    machine.apply({ type: "attached", member: "m1", serverId: 1, sentAt: 1000 });
    expect(machine.state.name).toBe("connected");
    expect(machine.deadline).toBe(suspectDeadline(1000, 3000));
    expect(machine.deadline).toBe(3000);
    expect(machine.apply({ type: "tick", now: 2999 })).toBeUndefined();
    machine.apply({ type: "confirmed", sentAt: 2500 });
    expect(machine.apply({ type: "tick", now: 3000 })).toBeUndefined();
    expect(machine.apply({ type: "tick", now: 4500 })?.name).toBe("suspect");
  });
  it("an old confirmation arriving late does not move the deadline back", () => {
    const machine = new SessionStateMachine(3000);
    machine.apply({ type: "attached", member: "m1", serverId: 1, sentAt: 1000 });
    machine.apply({ type: "confirmed", sentAt: 500 });
    expect(machine.lastConfirmedAt).toBe(1000);
  });
  it("goes connected → disconnected → suspect → connected on re-attach", () => {
    const machine = new SessionStateMachine(3000);
    const names: string[] = [];
    const step = (input: Parameters<SessionStateMachine["apply"]>[0]) => {
      const changed = machine.apply(input);
      if (changed) names.push(changed.name);
    };
    step({ type: "attached", member: "m1", serverId: 1, sentAt: 0 });
    step({ type: "connectionLost", reason: "socket closed" });
    step({ type: "tick", now: 1000 });
    step({ type: "tick", now: 2000 });
    step({ type: "attached", member: "m2", serverId: 2, sentAt: 2100 });
    step({ type: "attached", member: "m2", serverId: 2, sentAt: 2200 });
    expect(names).toEqual(["connected", "disconnected", "suspect", "connected"]);
  });
  it("expired and closed are final", () => {
    const machine = new SessionStateMachine(3000);
    machine.apply({ type: "expired", reason: "told by the ensemble" });
    expect(machine.apply({ type: "attached", member: "m1", serverId: 1, sentAt: 0 })).toBeUndefined();
    expect(machine.state.name).toBe("expired");
  });
  it("a connecting client is not suspect before its first attach", () => {
    const machine = new SessionStateMachine(3000);
    expect(machine.apply({ type: "tick", now: 1e9 })).toBeUndefined();
  });
});

/**
 * A clock whose first timeout fires `earlyMs` before the time asked for, as Node's do now and then
 * (its event loop keeps time in whole milliseconds); `advance` runs the timeouts due.
 */
class EarlyFiringClock implements TimerClock {
  private time = 0;
  private readonly timers = new Map<number, { dueAt: number; callback: () => void }>();
  private nextHandle = 0;

  constructor(private readonly earlyMs: number) {}

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.nextHandle++;
    const early = handle === 0 ? this.earlyMs : 0;
    this.timers.set(handle, { dueAt: this.time + ms - early, callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const [next] = [...this.timers].filter(([, timer]) => timer.dueAt <= end).sort((a, b) => a[1].dueAt - b[1].dueAt);
      if (!next) break;
      const [handle, timer] = next;
      this.timers.delete(handle);
      this.time = Math.max(this.time, timer.dueAt);
      timer.callback();
    }
    this.time = end;
  }
}

describe("deadline timer (the suspect timer)", () => {
  it("a timeout that fires before the deadline waits again instead of giving up", () => {
    const clock = new EarlyFiringClock(1.5);
    const firedAt: number[] = [];
    const timer = new DeadlineTimer(
      () => 2000.25,
      () => firedAt.push(clock.now()),
      clock,
    );
    timer.start();
    clock.advance(10_000);
    expect(firedAt).toHaveLength(1);
    expect(firedAt[0]).toBeGreaterThanOrEqual(2000.25);
  });
  it("reads the deadline again when it wakes: a deadline moved later is waited for", () => {
    const clock = new EarlyFiringClock(0);
    let deadline = 2000;
    const firedAt: number[] = [];
    const timer = new DeadlineTimer(
      () => deadline,
      () => firedAt.push(clock.now()),
      clock,
    );
    timer.start();
    deadline = 2600;
    clock.advance(10_000);
    expect(firedAt).toEqual([2601]);
  });
  it("a stopped or restarted timer does not fire for the old start", () => {
    const clock = new EarlyFiringClock(0);
    let deadline = 1000;
    let fired = 0;
    const timer = new DeadlineTimer(
      () => deadline,
      () => fired++,
      clock,
    );
    timer.start();
    timer.stop();
    clock.advance(5000);
    expect(fired).toBe(0);
    deadline = 7000;
    timer.start();
    timer.start();
    clock.advance(5000);
    expect(fired).toBe(1);
  });
});

describe("watch resume point", () => {
  it("resumes after the last complete txn and skips exactly the replayed events of the one in flight", () => {
    const point = new ResumePoint("10");
    expect(point.accept("11")).toBe(true);
    expect(point.accept("12")).toBe(true); // first event of a multi at zxid 12
    expect(point.afterZxid).toBe("11"); // 12 may have more events
    // The connection drops; the stream resumes after 11 and the server replays 12's two events.
    point.restart();
    expect(point.accept("12")).toBe(false); // already delivered
    expect(point.accept("12")).toBe(true); // the second event of 12, new
    expect(point.accept("13")).toBe(true);
    expect(point.afterZxid).toBe("12");
    expect(point.accept("9")).toBe(false);
  });
  it("a progress notification completes the txn in flight and moves the point", () => {
    const point = new ResumePoint("10");
    point.accept("12");
    expect(point.progress("20")).toBe(true);
    expect(point.afterZxid).toBe("20");
    expect(point.accept("15")).toBe(false);
    expect(point.progress("19")).toBe(false);
  });
});

describe("message size cap", () => {
  it("packs a batch into messages under the cap, keeping order", () => {
    const parts = ["a".repeat(40), "b".repeat(40), "c".repeat(40), "d".repeat(10)];
    const packed = packMessages(
      parts,
      parts.map((part) => part.length),
      100,
    );
    expect(packed.every((message) => message.length <= 100)).toBe(true);
    expect(packed.join("")).toContain("a".repeat(40));
    expect(packed).toEqual([`[${"a".repeat(40)},${"b".repeat(40)}]`, `[${"c".repeat(40)},${"d".repeat(10)}]`]);
  });
  it("refuses a single call over the cap before sending", () => {
    expect(() => checkRequestSize({ data: "x".repeat(2000) }, 1024, "/big")).toThrow(/over the 1024-byte/);
    expect(() => checkRequestSize({ data: "x".repeat(100) }, 1024)).not.toThrow();
    // Multi-byte characters count as bytes, not characters.
    expect(() => checkRequestSize({ data: "é".repeat(400) }, 1200)).toThrow();
  });
  it("maps member URLs to WebSocket URLs", () => {
    expect(webSocketUrl("http://127.0.0.1:7201/")).toBe("ws://127.0.0.1:7201");
    expect(webSocketUrl("https://keel.example")).toBe("wss://keel.example");
    expect(webSocketUrl("ws://h:1")).toBe("ws://h:1");
  });
});

describe("errors", () => {
  it("keys classes on keelCode and keeps the retry rule", () => {
    const error = fromCallError({ message: "NONODE: no node", data: { keelCode: "NONODE", path: "/x" } });
    expect(error).toBeInstanceOf(NoNodeError);
    expect(error.path).toBe("/x");
    expect(fromCallError({ message: "NOTREADY", data: { keelCode: "NOTREADY" } })).toBeInstanceOf(NotReadyError);
    expect(keelErrorFor("OPERATIONTIMEOUT", "slow").outcomeUnknown).toBe(true);
    expect(keelErrorFor("SYSTEMERROR", "bug").retry).toBe("unknown");
    expect(keelErrorFor("THROTTLEDOP", "busy").retry).toBe("safe");
  });
  it("a failure without a server answer is an unknown outcome (never retried blindly)", () => {
    const error = fromCallError({ message: "WebSocket closed", data: undefined });
    expect(error.code).toBe("CONNECTIONLOSS");
    expect(error.outcomeUnknown).toBe(true);
  });
});

describe("bytes", () => {
  it.each(["", "a", "ab", "abc", "héllo ✓", "\u0000\u00ff"])("base64 round-trips %j like Buffer does", (text) => {
    const bytes = utf8Bytes(text);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
    expect([...fromBase64(toBase64(bytes))]).toEqual([...bytes]);
  });
});

describe("channel", () => {
  it("delivers in order, then ends", async () => {
    const channel = new Channel<number>(10);
    channel.push(1);
    channel.push(2);
    channel.end();
    const seen: number[] = [];
    for await (const item of channel) seen.push(item);
    expect(seen).toEqual([1, 2]);
  });
  it("fails a consumer that falls too far behind instead of growing", async () => {
    const channel = new Channel<number>(2);
    channel.push(1);
    channel.push(2);
    channel.push(3);
    await expect(async () => {
      for await (const _ of channel) {
      }
    }).rejects.toThrow(/behind/);
  });
  it("runs onReturn when the consumer breaks out", async () => {
    let stopped = false;
    const channel = new Channel<number>(10, () => {
      stopped = true;
    });
    channel.push(1);
    for await (const _ of channel) break;
    expect(stopped).toBe(true);
  });
});

describe("browser entry", () => {
  it("imports nothing Node-only outside node.ts (the browser gets index.ts)", () => {
    const root = new URL(".", import.meta.url).pathname;
    const files = ["", "recipes"].flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts") && name !== "node.ts")
        .map((name) => join(root, dir, name)),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      expect(source, file).not.toMatch(/from "(node:[^"]+|ws|fs|os|path|crypto)"/);
      expect(source, file).not.toMatch(/\bBuffer\./);
    }
  });
});
