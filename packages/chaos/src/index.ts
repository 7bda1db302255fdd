// The public surface of @keel/chaos (style rule 9): the harness, its checkers and its network lab.
export * from "./checkers/index.js";
export { type ChaosOptions, type ChaosResult, runChaos } from "./harness/run.js";
export type { History, Operation, Outcome, RegisterOp } from "./history.js";
export * from "./net/index.js";
