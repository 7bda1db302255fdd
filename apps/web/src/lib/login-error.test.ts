/** The login form's error text comes from the keelCode, and never says whether the user exists. */
import { describe, expect, it } from "vitest";
import { loginErrorText, loginFailureOf } from "./login-error";

const refusal = (keelCode: string, message: string) => Object.assign(new Error(message), { data: { keelCode } });

describe("loginFailureOf", () => {
  it.each([
    ["AUTHFAILED", "authentication failed", "wrongCredentials"],
    ["AUTHFAILED", "authentication failed: too many attempts from 127.0.0.1", "throttled"],
    ["THROTTLEDOP", "slow down", "throttled"],
    ["NOAUTH", "CSRF token missing or wrong", "refused"],
  ])("%s %j → %s", (code, message, failure) => {
    expect(loginFailureOf(refusal(code, message))).toBe(failure);
  });

  it("a failure without a keelCode is an unreachable member", () => {
    expect(loginFailureOf(new TypeError("Failed to fetch"))).toBe("unreachable");
  });
});

describe("loginErrorText", () => {
  it("reads the same for a wrong user and a wrong password", () => {
    expect(loginErrorText(refusal("AUTHFAILED", "authentication failed"))).toBe("wrong user or password");
  });
  it("says to wait when throttled", () => {
    expect(loginErrorText(refusal("THROTTLEDOP", "x"))).toMatch(/too many attempts/);
  });
  it("names the code of any other refusal", () => {
    expect(loginErrorText(refusal("NOAUTH", "CSRF token missing or wrong"))).toBe(
      "NOAUTH: CSRF token missing or wrong",
    );
  });
});
