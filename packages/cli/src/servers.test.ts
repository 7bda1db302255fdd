import { describe, expect, it } from "vitest";
import { UsageError } from "./cli-error.js";
import { resolveServers } from "./servers.js";

describe("resolveServers", () => {
  it.each([
    // npm start's client URLs by default (scripts/start.mjs: KEEL_START_PORT + 100 + id)
    { flag: undefined, env: {}, servers: ["http://127.0.0.1:7201", "http://127.0.0.1:7202", "http://127.0.0.1:7203"] },
    {
      flag: undefined,
      env: { KEEL_START_PORT: "9000" },
      servers: ["http://127.0.0.1:9101", "http://127.0.0.1:9102", "http://127.0.0.1:9103"],
    },
    { flag: undefined, env: { KEEL_SERVERS: "a:1, b:2" }, servers: ["http://a:1", "http://b:2"] },
    // the flag wins over the environment
    { flag: "http://x:5", env: { KEEL_SERVERS: "a:1" }, servers: ["http://x:5"] },
    { flag: "ws://x:5 wss://y:6", env: {}, servers: ["http://x:5", "https://y:6"] },
    { flag: "http://x:5/some/path", env: {}, servers: ["http://x:5"] },
    { flag: "", env: {}, error: "--servers needs at least one server URL" },
    { flag: "ftp://x:1", env: {}, error: "use http:// or https://" },
    { flag: undefined, env: { KEEL_START_PORT: "many" }, error: "KEEL_START_PORT must be a port number" },
  ])("$flag $env", ({ flag, env, servers, error }) => {
    const resolve = () => resolveServers(flag, env);
    if (error !== undefined) {
      expect(resolve).toThrow(UsageError);
      expect(resolve).toThrow(error);
    } else expect(resolve()).toEqual(servers);
  });
});
