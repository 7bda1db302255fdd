/** What the console offers to whom, and when it must log in first (docs/security.md, "Roles"). */
import { describe, expect, it } from "vitest";
import { actingRole, mustLogIn, type Role, roleAllows, type WhoamiView } from "./roles";

const who = (role: WhoamiView["role"], authRequired: boolean): WhoamiView => ({
  user: role === "anonymous" ? null : "u",
  role,
  via: role === "anonymous" ? "anonymous" : "cookie",
  expiresAtMs: null,
  authRequired,
});

describe("actingRole and mustLogIn", () => {
  it.each([
    ["unknown (no auth API)", undefined, "operator", false],
    ["anonymous, auth optional", who("anonymous", false), "operator", false],
    ["anonymous, auth required", who("anonymous", true), null, true],
    ["viewer", who("viewer", true), "viewer", false],
    ["operator", who("operator", false), "operator", false],
    ["admin", who("admin", true), "admin", false],
  ] as const)("%s → %s", (_name, whoami, role, login) => {
    expect(actingRole(whoami)).toBe(role);
    expect(mustLogIn(whoami)).toBe(login);
  });
});

describe("roleAllows", () => {
  const cases: [Role | null, Role, boolean][] = [
    ["viewer", "viewer", true],
    ["viewer", "operator", false],
    ["operator", "operator", true],
    ["operator", "admin", false],
    ["admin", "operator", true],
    ["admin", "admin", true],
    [null, "viewer", false],
  ];
  it.each(cases)("%s for %s → %s", (role, least, allowed) => {
    expect(roleAllows(role, least)).toBe(allowed);
  });
});
