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

/** One row of a FigureBook: a workload's metric, with every repeat's value per column. */
export interface FigureCell<C> {
  readonly workload: string;
  readonly figure: Omit<Figure, "value">;
  readonly values: Map<C, number[]>;
}

/**
 * Per-repeat figures by (workload, metric), rows in the order their first figure came, each with
 * its values per column: a system for `npm run bench`, a peer delay for `npm run bench:delay`.
 */
export class FigureBook<C> {
  private readonly byKey = new Map<string, FigureCell<C>>();

  add(workload: string, column: C, figures: readonly Figure[]): void {
    for (const figure of figures) {
      const key = `${workload}\u0000${figure.metric}`;
      let cell = this.byKey.get(key);
      if (!cell) {
        cell = {
          workload,
          figure: { metric: figure.metric, unit: figure.unit, better: figure.better },
          values: new Map(),
        };
        this.byKey.set(key, cell);
      }
      const values = cell.values.get(column);
      if (values) values.push(figure.value);
      else cell.values.set(column, [figure.value]);
    }
  }

  /** The rows in first-seen order (a Map keeps insertion order). */
  cells(): FigureCell<C>[] {
    return [...this.byKey.values()];
  }
}

/** The side-by-side book: columns are systems; each row gets Keel's ratio to the best other. */
export class ResultBook extends FigureBook<SystemName> {
  rows(): Row[] {
    return this.cells().map((cell) => {
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
