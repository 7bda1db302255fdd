/**
 * Failed calls become notifications that lead with the server's keelCode (docs/errors.md), so an
 * operator sees "BADVERSION" or "NOTEMPTY" rather than a transport error.
 */
import { notifications } from "@mantine/notifications";

/** The keelCode of a tRPC error, when the server sent one. */
export function keelCodeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("data" in error)) return undefined;
  const data = (error as { data?: unknown }).data;
  if (typeof data !== "object" || data === null) return undefined;
  const code = (data as { keelCode?: unknown }).keelCode;
  return typeof code === "string" ? code : undefined;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function notifyError(title: string, error: unknown): void {
  const code = keelCodeOf(error);
  notifications.show({
    color: "red",
    title: code === undefined ? title : `${title}: ${code}`,
    message: messageOf(error),
    autoClose: 8000,
  });
}

export function notifySuccess(title: string, message?: string): void {
  notifications.show({ color: "teal", title, message, autoClose: 3000 });
}
