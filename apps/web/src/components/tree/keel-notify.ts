/**
 * Failed calls become notifications that lead with the server's keelCode (docs/errors.md), so an
 * operator sees "BADVERSION" or "NOTEMPTY" rather than a transport error.
 */
import { notifications } from "@mantine/notifications";
import { keelCodeOf, messageOf } from "../../lib/keel-error";

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
