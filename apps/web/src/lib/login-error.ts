/**
 * What the login form says when `auth.login` fails, chosen by keelCode (docs/errors.md), never by
 * the server's wording: a wrong user and a wrong password look the same on purpose.
 */
import { keelCodeOf, messageOf } from "./keel-error";

export type LoginFailure = "wrongCredentials" | "throttled" | "refused" | "unreachable";

export function loginFailureOf(error: unknown): LoginFailure {
  const code = keelCodeOf(error);
  // Past the failure budget (20 in 10 s) the server keeps answering AUTHFAILED without checking;
  // its message says so, and a THROTTLEDOP would mean the same to the person at the form.
  if (code === "THROTTLEDOP" || (code === "AUTHFAILED" && /too many/i.test(messageOf(error)))) return "throttled";
  if (code === "AUTHFAILED") return "wrongCredentials";
  if (code !== undefined) return "refused";
  return "unreachable";
}

export function loginErrorText(error: unknown): string {
  switch (loginFailureOf(error)) {
    case "wrongCredentials":
      return "wrong user or password";
    case "throttled":
      return "too many attempts: wait a few seconds and try again";
    case "refused":
      return `${keelCodeOf(error)}: ${messageOf(error)}`;
    case "unreachable":
      return `no member answered (${messageOf(error)}); is the console's origin in the members' --console-origins?`;
  }
}
