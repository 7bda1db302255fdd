/**
 * One data model behind both front doors of a Keel ensemble: a node kazoo creates over the
 * ZooKeeper wire port is what Keel's HTTP API reads (data, kind, and the kazoo session as the
 * ephemeral's owner), a node created over HTTP is what kazoo reads, and a kazoo ephemeral
 * disappears from the HTTP view once that kazoo session closes. Keel only: ZooKeeper has no HTTP API.
 */
import { httpClient, type KeelHttpClient, keelCodeOf } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientProcesses, jsonLines, lastJson } from "./client-process.js";
import { startKazoo } from "./kazoo.js";
import { startTarget, type Target } from "./target.js";
import { waitFor } from "./wait-for.js";

let target: Target;
let http: KeelHttpClient;
const processes = new ClientProcesses();

beforeAll(async () => {
  target = await startTarget("keel");
  const ensemble = target.keel;
  if (!ensemble) throw new Error("one-model needs a Keel ensemble");
  http = httpClient(ensemble.member(await target.waitForLeader()).clientUrl);
});

afterAll(async () => {
  await processes.killAll();
  await target?.close();
});

async function httpNode(path: string) {
  try {
    return await http.node.get.query({ path, linearizable: true });
  } catch (error) {
    if (keelCodeOf(error) === "NONODE") return undefined;
    throw error;
  }
}

describe("one model behind the ZooKeeper port and the HTTP API", () => {
  it("shares nodes both ways and drops a kazoo ephemeral when its session closes", async () => {
    const holder = startKazoo(processes, "kazoo ephemeral holder", "ephemeral.py", [
      target.connectString,
      "/one-model/kazoo-ephemeral",
      "/one-model/kazoo-persistent",
    ]);
    await holder.waitForOutput(/"sessionId"/, 120_000);
    const [created] = jsonLines<{ sessionId: string }>(holder.stdout);
    const sessionId = BigInt(created?.sessionId ?? "-1");

    const persistent = await httpNode("/one-model/kazoo-persistent");
    expect(persistent, holder.diagnostics()).toMatchObject({ kind: "persistent", data: "made by kazoo" });
    expect(persistent?.stat.ephemeralOwner).toBe("0");
    const ephemeral = await httpNode("/one-model/kazoo-ephemeral");
    expect(ephemeral, holder.diagnostics()).toMatchObject({ kind: "ephemeral", data: "held by kazoo" });
    expect(BigInt(ephemeral?.stat.ephemeralOwner ?? "0")).toBe(sessionId);

    await http.node.create.mutate({ path: "/one-model/http", data: "made over http" });
    const reader = startKazoo(processes, "kazoo reader", "read_node.py", [target.connectString, "/one-model/http"]);
    expect(lastJson(await reader.succeeded()), reader.diagnostics()).toMatchObject({
      exists: true,
      data: "made over http",
      ephemeralOwner: "0x0",
    });
    const parent = startKazoo(processes, "kazoo parent reader", "read_node.py", [target.connectString, "/one-model"]);
    expect(lastJson(await parent.succeeded()).children).toEqual(["http", "kazoo-ephemeral", "kazoo-persistent"]);

    holder.endInput();
    await holder.succeeded();
    await waitFor(
      "the kazoo ephemeral to vanish from the HTTP view",
      async () => (await httpNode("/one-model/kazoo-ephemeral")) === undefined,
      {
        describe: () => holder.diagnostics(),
      },
    );
    expect(await httpNode("/one-model/kazoo-persistent")).toMatchObject({ data: "made by kazoo" });
  });
});
