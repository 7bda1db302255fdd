// Checks createLogger: JSON lines that carry the server id and ensemble, the configured level, and
// independent loggers for two servers in one process.
import { describe, expect, it } from "vitest";
import { createLogger } from "./log.js";

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe("createLogger", () => {
  it("writes JSON with serverId, ensembleId and a level name", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ id: 3, ensembleId: "prod", logLevel: "info" }, destination);
    logger.info({ peerId: 1 }, "peer up");
    logger.debug("hidden at info");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      level: "info",
      serverId: 3,
      ensembleId: "prod",
      peerId: 1,
      msg: "peer up",
    });
  });

  it("gives each server its own logger", () => {
    const one = capture();
    const two = capture();
    createLogger({ id: 1, ensembleId: "e", logLevel: "debug" }, one.destination).debug("one");
    createLogger({ id: 2, ensembleId: "e", logLevel: "silent" }, two.destination).error("two");
    expect(one.lines).toHaveLength(1);
    expect(two.lines).toHaveLength(0);
  });
});
