/**
 * Assertions are for bugs, not for bad input (style rule 5). They stay on in production:
 * a replica that detects its own corruption must crash rather than spread it.
 */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

/**
 * Throws AssertionError(message) when `condition` is falsy. On hot paths pass the message as a
 * function: a template literal is built on every call even when the assertion holds, and one
 * that formats a bigint zxid costs more than the work it guards.
 */
export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new AssertionError(typeof message === "string" ? message : message());
}

/** Ends every exhaustive `switch` on a discriminated union: adding a variant breaks the build here. */
export function unreachable(value: never): never {
  throw new AssertionError(
    `unreachable: ${JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`,
  );
}
