/** The checkers' public surface: what the harness and reports use. */

export type { FormatHistoryOptions } from "./format-history.js";
export { formatHistory, formatOperation, formatState } from "./format-history.js";
export { formatRegisterCheckResult } from "./format-register-check-result.js";
export {
  checkRegisterHistory,
  defaultRegisterCheckBudget,
  type RegisterCheckOptions,
  type RegisterCheckResult,
  type RegisterLinearizationStep,
} from "./register-checker.js";
export { initialRegisterState, type RegisterState } from "./register-model.js";
