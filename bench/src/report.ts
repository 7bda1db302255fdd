/**
 * The bench's results model: one row per (workload, metric), one Spread per system. Workloads
 * produce Figures per repeat; the runner folds repeats into Rows.
 */
import { type Better, ratioToBest, type Spread, spread } from "./stats.js";

export const systemNames = ["keel", "zookeeper", "etcd"] as const;
export type SystemName = (typeof systemNames)[number];

/** One measured number of one workload run. */
export interface Figure {
  metric: string;
  unit: string;
  better: Better;
  value: number;
}

export interface Row {
  workload: string;
  metric: string;
  unit: string;
  better: Better;
  bySystem: Partial<Record<SystemName, Spread>>;
  /** Keel's median over the best other median; see ratioToBest. */
  ratio: number | undefined;
}

export interface Skip {
  system: SystemName;
  workload?: string;
  reason: string;
}

export interface Report {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; model: string; memoryGiB: number; node: string; loadAverageAtStart: number[] };
  options: { quick: boolean; repeats: number; systems: SystemName[]; workloads: string[] };
  rows: Row[];
  skipped: Skip[];
  notes: string[];
}

/** Collects per-repeat figures and folds them into rows in first-seen order. */
export class ResultBook {
  private readonly order: string[] = [];
  private readonly cells = new Map<
    string,
    { workload: string; figure: Omit<Figure, "value">; values: Map<SystemName, number[]> }
  >();

  add(workload: string, system: SystemName, figures: readonly Figure[]): void {
    for (const figure of figures) {
      const key = `${workload}\u0000${figure.metric}`;
      let cell = this.cells.get(key);
      if (!cell) {
        cell = {
          workload,
          figure: { metric: figure.metric, unit: figure.unit, better: figure.better },
          values: new Map(),
        };
        this.cells.set(key, cell);
        this.order.push(key);
      }
      const list = cell.values.get(system) ?? [];
      list.push(figure.value);
      cell.values.set(system, list);
    }
  }

  rows(): Row[] {
    return this.order.map((key) => {
      const cell = this.cells.get(key) as NonNullable<ReturnType<typeof this.cells.get>>;
      const bySystem: Partial<Record<SystemName, Spread>> = {};
      for (const [system, values] of cell.values) bySystem[system] = spread(values);
      const others = (["zookeeper", "etcd"] as const).flatMap((s) => (bySystem[s] ? [bySystem[s].median] : []));
      const keel = bySystem.keel?.median;
      return {
        workload: cell.workload,
        ...cell.figure,
        bySystem,
        ratio: keel === undefined ? undefined : ratioToBest(keel, others, cell.figure.better),
      };
    });
  }
}
