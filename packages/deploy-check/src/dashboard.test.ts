/**
 * The Grafana dashboard reads only metrics the server really exports: every expression's metric
 * names are checked against a real registry built by the server's own createServerMetrics (with
 * prom-client's default process_* and nodejs_* metrics), histograms by their _bucket/_sum/_count
 * series. Every panel queries the ${datasource} template variable.
 */
import { readFileSync } from "node:fs";
import { createServerMetrics } from "@keel/server/dist/ops/metrics.js";
import { describe, expect, it } from "vitest";
import { arrayField, isJsonObject, type Json, type JsonObject, objectField, stringField } from "./json.js";
import { metricNamesIn } from "./promql-metrics.js";
import { repoPath } from "./repo-paths.js";

const dashboard: unknown = JSON.parse(readFileSync(repoPath("deploy/grafana/keel-dashboard.json"), "utf8"));
if (!isJsonObject(dashboard)) throw new Error("the dashboard is not a JSON object");
const panels = arrayField(dashboard, "panels", "dashboard").filter(isJsonObject);

async function exportedSeries(): Promise<Set<string>> {
  const metrics = createServerMetrics({ version: "test" });
  const series = new Set<string>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    const suffixes = String(metric.type) === "histogram" ? ["_bucket", "_sum", "_count"] : [""];
    for (const suffix of suffixes) series.add(`${metric.name}${suffix}`);
  }
  return series;
}

function expressions(panel: JsonObject): string[] {
  return arrayField(panel, "targets", "panel")
    .filter(isJsonObject)
    .map((target) => stringField(target, "expr", "target"));
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own variable syntax, not a JS template.
const datasourceVariable = "${datasource}";

describe("the Grafana dashboard", () => {
  it("names only series the server's registry exports", async () => {
    const series = await exportedSeries();
    const named = panels.flatMap(expressions).flatMap(metricNamesIn);
    expect(named.length).toBeGreaterThan(panels.length);
    for (const name of named) expect(series, name).toContain(name);
  });

  it("covers roles, zxids, requests, fsync, peers, sessions, watches, WebSockets, CPU and memory", () => {
    const named = new Set(panels.flatMap(expressions).flatMap(metricNamesIn));
    for (const name of [
      "keel_role",
      "keel_last_zxid_counter",
      "keel_requests_total",
      "keel_request_duration_seconds_bucket",
      "keel_fsync_duration_seconds_bucket",
      "keel_peers_connected",
      "keel_sessions",
      "keel_watches",
      "keel_client_websockets",
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
    ]) {
      expect(named).toContain(name);
    }
  });

  it("queries the datasource template variable everywhere a data source is named", () => {
    const templating = arrayField(objectField(dashboard, "templating", "dashboard"), "list", "templating");
    expect(templating).toContainEqual(
      expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" }),
    );
    const datasources = datasourcesIn(dashboard);
    // Every panel and target names one, and so does the namespace variable's query.
    expect(datasources.length).toBeGreaterThan(2 * panels.length);
    for (const datasource of datasources) expect(datasource).toEqual({ type: "prometheus", uid: datasourceVariable });
  });
});

/** Every `datasource` object in the dashboard, panels, targets and template variables alike. */
function datasourcesIn(value: Json): Json[] {
  if (Array.isArray(value)) return value.flatMap(datasourcesIn);
  if (!isJsonObject(value)) return [];
  return Object.entries(value).flatMap(([key, field]) =>
    key === "datasource" && isJsonObject(field) ? [field] : datasourcesIn(field),
  );
}

describe("metricNamesIn", () => {
  it("finds metric names and leaves out functions, labels, ranges and grouping", () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (op, le) (rate(keel_request_duration_seconds_bucket{namespace="$ns", op=~"get|set"}[$__rate_interval])))',
      ),
    ).toEqual(["keel_request_duration_seconds_bucket"]);
    expect(metricNamesIn('keel_role{pod="keel-0"} == 1 and on (pod) keel_peers_connected > 1e3')).toEqual([
      "keel_role",
      "keel_peers_connected",
    ]);
  });
});
