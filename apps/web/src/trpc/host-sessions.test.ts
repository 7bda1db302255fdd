/** The per-host login store: one login per host (not per port), expiry, malformed entries, logout. */
import { describe, expect, it } from "vitest";
import {
  clearHostSessions,
  groupByHost,
  type HostSession,
  hostOf,
  type KeyValueStorage,
  readHostSession,
  writeHostSession,
} from "./host-sessions";

class MapStorage implements KeyValueStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
  key = (index: number) => [...this.items.keys()][index] ?? null;
  get length() {
    return this.items.size;
  }
}

const session: HostSession = { user: "olga", role: "operator", expiresAtMs: 10_000, csrfToken: "ab".repeat(16) };

describe("hosts", () => {
  it.each([
    ["http://127.0.0.1:7001", "127.0.0.1"],
    ["https://keel-1.internal:443/", "keel-1.internal"],
    ["http://[::1]:7001", "[::1]"],
  ])("%s is on %s", (url, host) => {
    expect(hostOf(url)).toBe(host);
  });

  it("groups members by host in first-seen order: one login per group", () => {
    expect(
      groupByHost(["http://127.0.0.1:7001", "http://10.0.0.2:7001", "http://127.0.0.1:7002", "http://127.0.0.1:7003"]),
    ).toEqual([
      { host: "127.0.0.1", urls: ["http://127.0.0.1:7001", "http://127.0.0.1:7002", "http://127.0.0.1:7003"] },
      { host: "10.0.0.2", urls: ["http://10.0.0.2:7001"] },
    ]);
  });
});

describe("stored logins", () => {
  it("reads back what was written, per host", () => {
    const storage = new MapStorage();
    writeHostSession(storage, "127.0.0.1", session);
    expect(readHostSession(storage, "127.0.0.1", 0)).toEqual(session);
    expect(readHostSession(storage, "10.0.0.2", 0)).toBeUndefined();
  });

  it("forgets an expired login", () => {
    const storage = new MapStorage();
    writeHostSession(storage, "h", session);
    expect(readHostSession(storage, "h", session.expiresAtMs)).toBeUndefined();
  });

  it.each([
    ["not json", "{"],
    ["no csrf token", JSON.stringify({ ...session, csrfToken: "" })],
    ["an unknown role", JSON.stringify({ ...session, role: "root" })],
    ["not an object", "42"],
  ])("ignores an entry with %s", (_name, raw) => {
    const storage = new MapStorage();
    storage.setItem("keel.session.h", raw);
    expect(readHostSession(storage, "h", 0)).toBeUndefined();
  });

  it("logout clears every host's login and nothing else", () => {
    const storage = new MapStorage();
    writeHostSession(storage, "a", session);
    writeHostSession(storage, "b", session);
    storage.setItem("other", "kept");
    clearHostSessions(storage);
    expect([...storage.items.keys()]).toEqual(["other"]);
  });
});
