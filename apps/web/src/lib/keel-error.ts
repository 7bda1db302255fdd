/**
 * What the console shows for a failed call: the server's keelCode (docs/errors.md) when the error
 * carries one, so a notification says NONODE or BADVERSION rather than a stack of tRPC wrapping.
 */

/** The keelCode of a tRPC error, when the server sent one. */
export function keelCodeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("data" in error)) return undefined;
  const data = (error as { data?: unknown }).data;
  if (typeof data !== "object" || data === null || !("keelCode" in data)) return undefined;
  const code = (data as { keelCode?: unknown }).keelCode;
  return typeof code === "string" ? code : undefined;
}

/** The error's own message, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** "NONODE: no node at /x" for a notification; the plain message when there is no code. */
export function describeError(error: unknown): string {
  const message = messageOf(error);
  const code = keelCodeOf(error);
  return code === undefined || message.startsWith(code) ? message : `${code}: ${message}`;
}
