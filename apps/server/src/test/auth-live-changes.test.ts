/**
 * Changes to users and tokens reach connections that are already open (docs/security.md, "Client
 * authentication"): a WebSocket's caller is resolved again after any change under /keel/auth, so
 * a demoted user's next call is held to the new role and a revoked token's next call fails,
 * without the client reconnecting.
 */
import { connect } from "@keel/client";
import { basicAuth, Ensemble, httpClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keelCodeOf, retry } from "./helpers.js";

let ensemble: Ensemble;
let admin: ReturnType<typeof httpClient>;
let servers: string[];

beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 1, superPassword: true });
  await ensemble.waitForLeader();
  servers = ensemble.members.map((member) => member.clientUrl);
  admin = httpClient(servers[0] as string, { headers: basicAuth("super", ensemble.superPassword as string) });
  await retry(() => admin.auth.users.add.mutate({ name: "dora", password: "dorapassword", role: "operator" }));
}, 60_000);

afterAll(async () => {
  await ensemble?.close();
});

async function codeOf(call: Promise<unknown>): Promise<string | undefined> {
  return call.then(
    () => "OK",
    (error: unknown) => keelCodeOf(error) ?? (error as { code?: string }).code ?? String(error),
  );
}

describe("changes to accounts reach open connections", () => {
  it("holds a demoted user's open connection to its new role", async () => {
    const client = await connect({ servers, auth: { user: "dora", password: "dorapassword" } });
    try {
      expect(await codeOf(client.create("/dora-1"))).toBe("OK");
      await admin.auth.users.setRole.mutate({ name: "dora", role: "viewer" });
      expect(await codeOf(client.create("/dora-2"))).toBe("NOAUTH");
      expect(await codeOf(client.get("/dora-1"))).toBe("OK");
    } finally {
      await client.close();
      await admin.auth.users.setRole.mutate({ name: "dora", role: "operator" });
    }
  });

  it("fails a revoked token's next call on a connection already open", async () => {
    const issued = await admin.auth.tokens.create.mutate({ user: "dora", ttlMs: 3_600_000 });
    const client = await connect({ servers, auth: { token: issued.token } });
    try {
      expect(await codeOf(client.get("/"))).toBe("OK");
      await admin.auth.tokens.revoke.mutate({ tokenId: issued.tokenId });
      expect(await codeOf(client.get("/"))).toBe("AUTHFAILED");
    } finally {
      await client.close().catch(() => undefined);
    }
  });
});
