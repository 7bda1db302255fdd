/** /login follows only paths of this console after a login. */
import { expect, it } from "vitest";
import { safeNextPath } from "./safe-next-path";

it.each([
  [null, "/"],
  ["/locks", "/locks"],
  ["/tree/app/config", "/tree/app/config"],
  ["//evil.example/x", "/"],
  ["/\\evil.example", "/"],
  ["https://evil.example", "/"],
  ["/login", "/"],
  ["/login?next=/x", "/"],
])("next=%s → %s", (next, expected) => {
  expect(safeNextPath(next)).toBe(expected);
});
