/**
 * Assembles client authentication for one server (docs/security.md, "Client authentication"): the
 * accounts in the tree, the Authenticator that checks credentials against them and the super
 * password, the audit trail, and a housekeeping timer on the leader that deletes tokens long
 * expired (they already fail; this only keeps /keel/auth/tokens short).
 */
import { isUnrestricted } from "@keel/api";
import { isInAuthRoot } from "@keel/core";
import type { Logger } from "pino";
import { Authenticator, isAuthFailure } from "../auth/authenticator.js";
import { hashPassword } from "../auth/password-hash.js";
import type { ServerConfig } from "../config.js";
import type { ReplicaHost } from "../replica-host.js";
import type { ZkKeelCredentials, ZkKeelLogin } from "../zk/zk-connection.js";
import { AuditTrail } from "./audit-trail.js";
import { identitiesOf } from "./identify.js";
import { authRecordsOf, TreeAccounts } from "./tree-accounts.js";

/** How often the leader looks for long-expired tokens, how many it deletes at a time, and how long past expiry. */
const TOKEN_SWEEP_EVERY_MS = 60_000;
const TOKEN_SWEEP_MAX = 100;
const TOKEN_SWEEP_GRACE_MS = 3600_000;

export async function clientAuthentication(options: {
  config: ServerConfig;
  host: ReplicaHost;
  logger: Logger;
  superPassword: string | undefined;
}) {
  const { config, host, logger } = options;
  const clock = () => Date.now();
  const accounts = new TreeAccounts({ host, clock });
  const superPasswordHash = options.superPassword === undefined ? null : await hashPassword(options.superPassword);
  const authenticator = new Authenticator({ records: authRecordsOf(accounts), superPasswordHash });
  accounts.setAuthenticator(authenticator);
  const trail = new AuditTrail(logger, config.id, clock);
  // Callers resolved earlier (an open WebSocket) are resolved again after any change to the accounts.
  let authGeneration = 0;
  const stopWatchingAccounts = host.onApplied((entry) => {
    if (entry.changes.some((change) => isInAuthRoot(change.path))) authGeneration += 1;
  });
  const consoleOrigins = new Set(config.consoleOrigins.split(",").filter((origin) => origin.length > 0));
  const sweep = setInterval(() => {
    if (host.role !== "LEADING" || !host.serving) return;
    accounts.removeExpiredTokens(TOKEN_SWEEP_MAX, TOKEN_SWEEP_GRACE_MS).catch((error: unknown) => {
      logger.debug({ err: error }, "expired-token sweep failed; the next one retries");
    });
  }, TOKEN_SWEEP_EVERY_MS);
  sweep.unref();
  // The ZooKeeper port's `addauth user|token` (zk-connection.ts) checks the same credentials.
  const zkLogin = async (credentials: ZkKeelCredentials, clientIp: string): Promise<ZkKeelLogin | undefined> => {
    const caller = await authenticator.resolve(credentials, { clientIp, nowMs: clock() });
    // The ZooKeeper port checks ACLs and roles, not token scopes: a scoped token is refused there.
    const scoped = !isAuthFailure(caller) && !isUnrestricted(caller.scope);
    if (isAuthFailure(caller) || scoped) {
      const why = isAuthFailure(caller) ? caller.reason : "a scoped token cannot be used on the ZooKeeper port";
      const user = credentials.kind === "password" ? credentials.user.slice(0, 64) : null;
      trail.sink({
        action: "authFailed",
        outcome: "AUTHFAILED",
        user,
        via: `zk ${credentials.kind}`,
        why,
        clientAddress: clientIp,
      });
      return undefined;
    }
    return {
      user: caller.user,
      auth: identitiesOf(clientIp, caller.user, caller.role),
      readOnly: caller.role === "viewer",
    };
  };
  return {
    zkLogin,
    identify: { authenticator, consoleOrigins, audit: trail.sink, clock, authGeneration: () => authGeneration },
    accounts,
    required: config.authRequired,
    trail,
    stop: () => {
      clearInterval(sweep);
      stopWatchingAccounts();
    },
  };
}
