import { it } from "vitest";
import { Harness } from "./test/harness.js";

it("dbg", async () => {
  const harness = await Harness.start();
  const leader = await harness.leaderId();
  const keel = await harness.client({
    servers: [harness.url(leader), ...harness.servers.filter((s) => s !== harness.url(leader))],
  });
  const t0 = performance.now();
  keel.onStateChange((s) => console.log("state", Math.round(performance.now() - t0), JSON.stringify(s)));
  console.log("leader", leader, "on", harness.memberIdOf(keel.member));
  await harness.ensemble.kill(leader);
  const l2 = await harness.ensemble.waitForLeader();
  console.log("new leader", l2, Math.round(performance.now() - t0));
  await new Promise((r) => setTimeout(r, 3000));
  console.log("member now", keel.member, keel.state.name);
  harness.ensemble.startMember(leader);
  console.log("leader", await harness.ensemble.waitForLeader());
  const k2 = await harness.client();
  console.log("k2", k2.member);
  await harness.close();
});
