import { describe, expect, it } from "vitest";
import { ResultBook } from "./report.js";
import { formatNumber, formatRatio, renderTable } from "./table.js";

describe("formatNumber", () => {
  it("keeps tables narrow", () => {
    expect(formatNumber(12345.6)).toBe("12,346");
    expect(formatNumber(42.25)).toBe("42.3");
    expect(formatNumber(3.456)).toBe("3.46");
    expect(formatNumber(0.01234)).toBe("0.012");
    expect(formatNumber(0)).toBe("0");
    expect(formatNumber(Number.NaN)).toBe("—");
  });
});

describe("ResultBook + renderTable", () => {
  const book = new ResultBook();
  book.add("write throughput", "keel", [{ metric: "ops/s", unit: "ops/s", better: "higher", value: 300 }]);
  book.add("write throughput", "keel", [{ metric: "ops/s", unit: "ops/s", better: "higher", value: 200 }]);
  book.add("write throughput", "keel", [{ metric: "ops/s", unit: "ops/s", better: "higher", value: 250 }]);
  book.add("write throughput", "zookeeper", [{ metric: "ops/s", unit: "ops/s", better: "higher", value: 5000 }]);
  book.add("write throughput", "etcd", [{ metric: "ops/s", unit: "ops/s", better: "higher", value: 2500 }]);
  book.add("failover", "keel", [{ metric: "time to first write", unit: "ms", better: "lower", value: 500 }]);
  book.add("failover", "etcd", [{ metric: "time to first write", unit: "ms", better: "lower", value: 1000 }]);
  book.add("failover", "etcd", [{ metric: "server CPU", unit: "cores", better: "info", value: 0.5 }]);
  const rows = book.rows();

  it("folds repeats into median [min–max] and compares with the best other median", () => {
    expect(rows[0]?.bySystem.keel).toMatchObject({ min: 200, median: 250, max: 300 });
    expect(rows[0]?.ratio).toBe(0.05);
    expect(rows[1]?.ratio).toBe(0.5);
    expect(rows[2]?.ratio).toBeUndefined();
  });

  it("says which direction is better and whether Keel wins", () => {
    expect(formatRatio(rows[0] as (typeof rows)[number])).toBe("0.05× (higher is better: Keel worse)");
    expect(formatRatio(rows[1] as (typeof rows)[number])).toBe("0.50× (lower is better: Keel better)");
    expect(formatRatio(rows[2] as (typeof rows)[number])).toBe("(info)");
  });

  it("renders one aligned line per row with a dash where a system has no figure", () => {
    const lines = renderTable(rows).split("\n");
    expect(lines).toHaveLength(2 + rows.length);
    expect(lines[0]).toMatch(/^\| workload +\| metric +\| keel +\| zookeeper +\| etcd +\| Keel \/ best other +\|$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toContain("250 [200–300]");
    expect(lines[3]).toContain("| —");
  });
});
