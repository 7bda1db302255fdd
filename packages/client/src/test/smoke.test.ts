import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connect, type KeelClient } from "../node.js";

let ensemble: Ensemble;
beforeAll(async () => {
  ensemble = await Ensemble.start();
  await ensemble.waitForLeader();
});
afterAll(async () => {
  await ensemble?.close();
});

it("smoke", async () => {
  const keel: KeelClient = await connect({ servers: ensemble.members.map((m) => m.clientUrl), sessionTimeoutMs: 4000 });
  const created = await keel.create("/smoke", "v1");
  expect(created.path).toBe("/smoke");
  expect((await keel.get("/smoke")).data).toBe("v1");
  const watch = keel.watch("/smoke", { mode: "persistent" });
  await watch.ready;
  await keel.set("/smoke", "v2");
  const first = await watch.next();
  expect(first.value?.type).toBe("NodeDataChanged");
  watch.close();
  await keel.close();
});
