/**
 * Debian's zkCli.sh (ZooKeeper 3.8) against a 3-node ensemble through the ZooKeeper wire port:
 * create (plain, sequential, ephemeral), get, set (plain and with a stale version), ls, stat,
 * delete (leaf and non-empty), the ephemeral gone once the session quits, and one-shot watches
 * (`get -w`, `ls -w`, `stat -w`) firing in one zkCli when a second zkCli changes the nodes.
 * Scripts live in clients/zkcli and are fed on stdin, one JVM per script.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientProcesses } from "./client-process.js";
import { startTarget, type Target } from "./target.js";
import { waitFor } from "./wait-for.js";
import { meaningfulLines, startZkCli, statBlocks, valueLines, zkCliScript } from "./zkcli.js";

let target: Target;
const processes = new ClientProcesses();

beforeAll(async () => {
  target = await startTarget();
});

afterAll(async () => {
  await processes.killAll();
  await target?.close();
});

const zxid = (hex: string | undefined) => BigInt(hex ?? "-1");

describe("zkCli.sh", () => {
  it("creates, reads, updates, lists, stats and deletes nodes", async () => {
    const cli = startZkCli(processes, "zkCli basic-ops", target.connectString, zkCliScript("basic-ops.zk"));
    // The script's last command fails on purpose (create over an existing node): exit code 1.
    const result = await cli.exited;
    const why = cli.diagnostics();
    expect(result.code, why).toBe(1);

    expect(meaningfulLines(result.stderr), why).toEqual([
      "Created /zkcli",
      "Created /zkcli/child-a",
      "Created /zkcli/seq-0000000001",
      "Created /zkcli/eph",
      "version No is not valid : /zkcli",
      "Node not empty: /zkcli",
      "Node does not exist: /zkcli/child-a",
      "Node already exists: /zkcli",
    ]);
    expect(valueLines(result.stdout), why).toEqual([
      "hello",
      "world",
      "[child-a, eph, seq-0000000001]",
      "[]",
      "[eph, seq-0000000001]",
    ]);

    const [getStat, statStat, childStat] = statBlocks(result.stdout);
    expect(getStat, why).toMatchObject({
      dataVersion: "1",
      cversion: "3",
      aclVersion: "0",
      ephemeralOwner: "0x0",
      dataLength: "5",
      numChildren: "3",
    });
    expect(statStat, why).toEqual(getStat);
    expect(childStat, why).toMatchObject({
      dataVersion: "0",
      dataLength: "1",
      numChildren: "0",
      ephemeralOwner: "0x0",
    });
    expect(zxid(getStat?.mZxid)).toBeGreaterThan(zxid(getStat?.cZxid));
    expect(zxid(childStat?.cZxid)).toBeGreaterThan(zxid(getStat?.cZxid));
    expect(zxid(getStat?.pZxid)).toBeGreaterThan(zxid(childStat?.cZxid));

    // The ephemeral belonged to the script's session, which `quit` closed.
    const after = startZkCli(processes, "zkCli after-close", target.connectString, zkCliScript("after-close.zk"));
    const afterResult = await after.succeeded();
    // `sync` answers through a callback, so "Sync is OK" may print before or after the reads.
    const afterLines = valueLines(afterResult.stdout);
    expect(afterLines, after.diagnostics()).toContain("Sync is OK");
    expect(
      afterLines.filter((line) => line !== "Sync is OK"),
      after.diagnostics(),
    ).toEqual(["[seq-0000000001]", "world"]);
  });

  it("fires get -w, ls -w and stat -w watches once each on a change made by another client", async () => {
    // The watcher talks to member 1 only and the changer to member 2 only: the events cross members.
    const [watcherMember, changerMember] = target.memberIds as [number, number];
    const watcher = startZkCli(processes, "zkCli watcher", target.hostOf(watcherMember));
    watcher.write("create /zkwatch before\nget -w /zkwatch\nls -w /zkwatch\nstat -w /zkwatch-missing\n");
    await watcher.waitForOutput(/^\[\]$/m);
    await waitForStderr(watcher, /Node does not exist: \/zkwatch-missing/);

    const changer = startZkCli(
      processes,
      "zkCli changer",
      target.hostOf(changerMember),
      "set /zkwatch after\ncreate /zkwatch/kid k\ncreate /zkwatch-missing x\nset /zkwatch again\nquit\n",
    );
    await changer.succeeded();

    const events = [
      "WatchedEvent state:SyncConnected type:NodeDataChanged path:/zkwatch",
      "WatchedEvent state:SyncConnected type:NodeChildrenChanged path:/zkwatch",
      "WatchedEvent state:SyncConnected type:NodeCreated path:/zkwatch-missing",
    ];
    for (const event of events) await watcher.waitForOutput(new RegExp(`^${event}$`, "m"));

    // A watcher sees an event before it sees the data that caused it, so once this session reads
    // the second change, any second NodeDataChanged would already be printed.
    watcher.write("sync /zkwatch\nget /zkwatch\n");
    await watcher.waitForOutput(/^again$/m);
    watcher.write("quit\n");
    await watcher.exited;
    const printed = meaningfulLines(watcher.stdout).filter((line) =>
      line.startsWith("WatchedEvent state:SyncConnected"),
    );
    expect(
      printed.filter((line) => line.includes("type:None")),
      watcher.diagnostics(),
    ).toHaveLength(1);
    expect(printed.filter((line) => !line.includes("type:None")).sort(), watcher.diagnostics()).toEqual(
      [...events].sort(),
    );
  });
});

async function waitForStderr(program: { stderr: string; diagnostics(): string }, pattern: RegExp): Promise<void> {
  await waitFor(`zkCli to report ${pattern}`, () => pattern.test(program.stderr), {
    describe: () => program.diagnostics(),
  });
}
