// Checks that each server gets its own registry with every keel_ metric declared up front, and the
// role/zxid helpers; two servers in one process must not share a counter.
import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createServerMetrics } from "./metrics.js";

describe("createServerMetrics", () => {
  it("declares every keel_ metric on a per-server registry", async () => {
    const metrics = createServerMetrics({ version: "1.2.3", collectDefaults: false });
    const text = await metrics.registry.metrics();
    for (const name of [
      "keel_requests_total",
      "keel_request_errors_total",
      "keel_request_duration_seconds",
      "keel_outstanding_requests",
      "keel_last_zxid_epoch",
      "keel_last_zxid_counter",
      "keel_current_epoch",
      "keel_role",
      "keel_sessions",
      "keel_watches",
      "keel_znodes",
      "keel_fsync_duration_seconds",
      "keel_leader_elections_total",
      "keel_peers_connected",
      "keel_build_info",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain('keel_build_info{version="1.2.3"} 1');
    expect(await globalRegistry.metrics()).not.toContain("keel_");
  });

  it("keeps two servers' metrics apart", async () => {
    const one = createServerMetrics({ version: "x", collectDefaults: false });
    const two = createServerMetrics({ version: "x", collectDefaults: false });
    one.requestsTotal.inc({ op: "create" });
    expect(await one.registry.metrics()).toContain('keel_requests_total{op="create"} 1');
    expect(await two.registry.metrics()).not.toContain('keel_requests_total{op="create"}');
  });

  it("sets exactly one role and splits the zxid", async () => {
    const metrics = createServerMetrics({ version: "x", collectDefaults: false });
    metrics.setRole("leading");
    metrics.setLastZxid((0x1_0000n << 32n) | 0xffff_fffen);
    const text = await metrics.registry.metrics();
    expect(text).toContain('keel_role{role="leading"} 1');
    expect(text).toContain('keel_role{role="looking"} 0');
    expect(text).toContain("keel_last_zxid_epoch 65536");
    expect(text).toContain("keel_last_zxid_counter 4294967294");
  });

  it("includes Node's default metrics when asked", async () => {
    const metrics = createServerMetrics({ version: "x" });
    expect(await metrics.registry.metrics()).toContain("process_cpu_user_seconds_total");
  });
});
