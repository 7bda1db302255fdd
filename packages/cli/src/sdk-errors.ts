/** The SDK's typed errors (KeelClientError, keyed on `code`) as the CLI's one-line errors. */
import { KeelClientError } from "@keel/client";
import { CliError } from "./cli-error.js";

export function sdkError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof KeelClientError) {
    const unknown = error.outcomeUnknown ? " (the outcome is unknown: check before retrying)" : "";
    return new CliError(`${error.message}${unknown}`, 1, error.code);
  }
  return new CliError(error instanceof Error ? error.message : String(error));
}
