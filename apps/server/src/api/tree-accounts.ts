/**
 * Users and tokens kept in the replicated tree under /keel/auth (docs/security.md, "Client
 * authentication"): the Accounts the `auth` router manages and the AuthRecords the Authenticator
 * reads. They replicate, survive restarts, and go into snapshots and backups with the data, like
 * etcd's auth store. Core lets nobody but a super identity read or write /keel/auth; this module
 * reads and writes as the server itself (SERVER_AUTH) and is the only code that does.
 *
 * A record missing here may just not have reached this member yet (a user added a moment ago
 * through another one): a lookup that misses syncs with the leader once and looks again.
 */
import {
  type Accounts,
  FULL_SCOPE,
  type IssuedToken,
  type Role,
  type TokenScope,
  type TokenView,
  type UserView,
} from "@keel/api";
import {
  type Applied,
  AUTH_NODE_ACL,
  AUTH_ROOT,
  type ClientRequest,
  childPath,
  KeelError,
  keelError,
  SESSION_NONE,
} from "@keel/core";
import type { Authenticator } from "../auth/authenticator.js";
import { isAuthFailure } from "../auth/authenticator.js";
import { hashPassword, verifyPassword } from "../auth/password-hash.js";
import {
  decodeTokenRecord,
  decodeUserRecord,
  encodeTokenRecord,
  encodeUserRecord,
  SUPER_USER,
  type TokenRecord,
  type UserRecord,
} from "../auth/records.js";
import { csrfTokenOf, newToken, secretDigest } from "../auth/tokens.js";
import type { ReplicaHost } from "../replica-host.js";
import { authFailedError, ipOf } from "./identify.js";
import { SERVER_AUTH } from "./visibility.js";

export const USERS_PATH = `${AUTH_ROOT}/users`;
export const TOKENS_PATH = `${AUTH_ROOT}/tokens`;

export interface TreeAccountsDeps {
  readonly host: Pick<ReplicaHost, "state" | "submit" | "sync">;
  /** Wall-clock ms: token expiry is a wall-clock promise to the user. */
  readonly clock: () => number;
}

export class TreeAccounts implements Accounts {
  private nextCxid = 1;
  /** Checks login passwords; set once it exists (it reads its records through this object). */
  private authenticator: Authenticator | undefined;

  constructor(private readonly deps: TreeAccountsDeps) {}

  setAuthenticator(authenticator: Authenticator): void {
    this.authenticator = authenticator;
  }

  // --- the Authenticator's reads ------------------------------------------------------------

  async userRecord(name: string): Promise<{ record: UserRecord; version: string; createdZxid: string } | undefined> {
    const path = childPath(USERS_PATH, name);
    const node = (await this.readSynced(path)) ?? undefined;
    if (node === undefined) return undefined;
    const decoded = decodeUserRecord(node.data);
    // A record that does not decode is treated as absent: nobody logs in with a corrupt record.
    if (decoded.type !== "ok") return undefined;
    return { record: decoded.record, version: node.mzxid.toString(), createdZxid: node.czxid.toString() };
  }

  async tokenRecord(tokenId: string): Promise<TokenRecord | undefined> {
    const node = await this.readSynced(childPath(TOKENS_PATH, tokenId));
    if (node === undefined) return undefined;
    const decoded = decodeTokenRecord(node.data);
    return decoded.type === "ok" ? decoded.record : undefined;
  }

  // --- Accounts -----------------------------------------------------------------------------

  async login(input: { user: string; password: string; ttlMs: number }, clientAddress: string | undefined) {
    const authenticator = this.authenticator;
    if (authenticator === undefined) throw keelError("SYSTEMERROR", "accounts have no authenticator");
    const caller = await authenticator.resolve(
      { kind: "password", user: input.user, password: input.password },
      { clientIp: ipOf(clientAddress), nowMs: this.deps.clock() },
    );
    if (isAuthFailure(caller)) throw authFailedError(caller);
    if (caller.role === "anonymous" || caller.user === null) throw authFailedError(undefined);
    const issued = await this.createToken({
      user: caller.user,
      kind: "console",
      scope: FULL_SCOPE,
      ttlMs: input.ttlMs,
      description: "console login",
    });
    return { ...issued, user: caller.user, role: caller.role, csrfToken: csrfTokenOf(issued.token) };
  }

  async verifyPassword(user: string, password: string): Promise<boolean> {
    const found = await this.userRecord(user);
    return found !== undefined && (await verifyPassword(password, found.record.password));
  }

  async listUsers(limit: number): Promise<{ users: UserView[]; truncated: boolean }> {
    const names = this.childNames(USERS_PATH);
    const users: UserView[] = [];
    for (const name of names.slice(0, limit)) {
      const view = await this.user(name);
      if (view !== undefined) users.push(view);
    }
    return { users, truncated: names.length > limit };
  }

  async user(name: string): Promise<UserView | undefined> {
    const found = await this.userRecord(name);
    return found === undefined ? undefined : userView(name, found.record);
  }

  async addUser(input: { name: string; password: string; role: Role }): Promise<UserView> {
    const record: UserRecord = {
      v: 1,
      role: input.role,
      password: await hashPassword(input.password),
      createdAtMs: this.deps.clock(),
    };
    await this.ensureRoots();
    const result = await this.write({
      type: "create",
      path: childPath(USERS_PATH, input.name),
      data: encodeUserRecord(record),
      acl: AUTH_NODE_ACL,
      kind: "persistent",
    });
    if (result instanceof KeelError) {
      if (result.code === "NODEEXISTS") throw keelError("NODEEXISTS", `user ${input.name} exists`);
      throw result;
    }
    return userView(input.name, record);
  }

  async removeUser(name: string): Promise<void> {
    const ops: ClientRequest[] = [{ type: "delete", path: childPath(USERS_PATH, name), version: -1 }];
    for (const token of await this.tokensOf(name)) {
      ops.push({ type: "delete", path: childPath(TOKENS_PATH, token.tokenId), version: -1 });
    }
    // One multi: the user and every token it held go together, or nothing does.
    const result = await this.write({ type: "multi", ops: ops as never });
    if (result instanceof KeelError) {
      throw result.code === "NONODE" ? keelError("NONODE", `no user ${name}`) : result;
    }
  }

  async setRole(name: string, role: Role): Promise<UserView> {
    const record = await this.updateUser(name, (current) => ({ ...current, role }));
    return userView(name, record);
  }

  async setPassword(name: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await this.updateUser(name, (current) => ({ ...current, password: hash }));
  }

  async createToken(input: {
    user: string;
    kind: "api" | "console";
    scope: TokenScope;
    ttlMs: number;
    description: string;
  }): Promise<IssuedToken> {
    // The token is bound to the user record it is issued under (its czxid), so it dies with that user.
    const owner = input.user === SUPER_USER ? undefined : await this.userRecord(input.user);
    if (input.user !== SUPER_USER && owner === undefined) throw keelError("NONODE", `no user ${input.user}`);
    const { token, tokenId, secret } = newToken();
    const createdAtMs = this.deps.clock();
    const record: TokenRecord = {
      v: 1,
      kind: input.kind,
      user: input.user,
      userZxid: owner?.createdZxid ?? "0",
      scope: { paths: [...input.scope.paths], perms: input.scope.perms },
      secretSha256: secretDigest(secret),
      createdAtMs,
      expiresAtMs: createdAtMs + input.ttlMs,
      description: input.description,
    };
    await this.ensureRoots();
    const result = await this.write({
      type: "create",
      path: childPath(TOKENS_PATH, tokenId),
      data: encodeTokenRecord(record),
      acl: AUTH_NODE_ACL,
      kind: "persistent",
    });
    if (result instanceof KeelError) throw result;
    return { token, tokenId, expiresAtMs: record.expiresAtMs };
  }

  async listTokens(user: string | undefined): Promise<TokenView[]> {
    const tokens = await this.allTokens();
    return user === undefined ? tokens : tokens.filter((token) => token.user === user);
  }

  async token(tokenId: string): Promise<TokenView | undefined> {
    const record = await this.tokenRecord(tokenId);
    return record === undefined ? undefined : tokenView(tokenId, record);
  }

  async revokeToken(tokenId: string): Promise<void> {
    const result = await this.write({ type: "delete", path: childPath(TOKENS_PATH, tokenId), version: -1 });
    if (result instanceof KeelError)
      throw result.code === "NONODE" ? keelError("NONODE", `no token ${tokenId}`) : result;
  }

  /**
   * Deletes tokens that expired more than `graceMs` ago, at most `max` per call (the leader calls
   * it now and then): an expired token already fails, this only keeps the list short.
   */
  async removeExpiredTokens(max: number, graceMs: number): Promise<number> {
    const now = this.deps.clock();
    let removed = 0;
    for (const token of await this.allTokens()) {
      if (removed >= max) break;
      if (token.expiresAtMs + graceMs > now) continue;
      await this.revokeToken(token.tokenId).catch(() => undefined);
      removed += 1;
    }
    return removed;
  }

  // --- helpers ------------------------------------------------------------------------------

  private async tokensOf(user: string): Promise<TokenView[]> {
    return (await this.allTokens()).filter((token) => token.user === user);
  }

  private async allTokens(): Promise<TokenView[]> {
    const views: TokenView[] = [];
    for (const tokenId of this.childNames(TOKENS_PATH)) {
      const record = this.readLocal(childPath(TOKENS_PATH, tokenId));
      if (record === undefined) continue;
      const decoded = decodeTokenRecord(record.data);
      if (decoded.type === "ok") views.push(tokenView(tokenId, decoded.record));
    }
    return views;
  }

  /** Read-modify-write with the node's version, so two admins' changes never overwrite each other silently. */
  private async updateUser(name: string, change: (current: UserRecord) => UserRecord): Promise<UserRecord> {
    const path = childPath(USERS_PATH, name);
    const node = await this.readSynced(path);
    const decoded = node === undefined ? undefined : decodeUserRecord(node.data);
    if (node === undefined || decoded === undefined || decoded.type !== "ok")
      throw keelError("NONODE", `no user ${name}`);
    const next = change(decoded.record);
    const result = await this.write({ type: "setData", path, data: encodeUserRecord(next), version: node.version });
    if (result instanceof KeelError) {
      if (result.code === "BADVERSION")
        throw keelError("BADVERSION", `user ${name} changed meanwhile; read it again and retry`);
      throw result;
    }
    return next;
  }

  private childNames(parent: string): string[] {
    const listing = this.deps.host.state.children(parent, SERVER_AUTH);
    if (listing instanceof KeelError) return [];
    return [...listing.children].sort();
  }

  private readLocal(path: string): { data: Uint8Array; mzxid: bigint; czxid: bigint; version: number } | undefined {
    const node = this.deps.host.state.get(path, SERVER_AUTH);
    if (node instanceof KeelError) return undefined;
    return { data: node.data, mzxid: node.stat.mzxid, czxid: node.stat.czxid, version: node.stat.version };
  }

  private async readSynced(path: string) {
    const local = this.readLocal(path);
    if (local !== undefined) return local;
    await this.deps.host.sync();
    return this.readLocal(path);
  }

  private async ensureRoots(): Promise<void> {
    for (const path of [AUTH_ROOT, USERS_PATH, TOKENS_PATH]) {
      if (this.readLocal(path) !== undefined) continue;
      const result = await this.write({
        type: "create",
        path,
        data: new Uint8Array(0),
        acl: AUTH_NODE_ACL,
        kind: "persistent",
      });
      if (result instanceof KeelError && result.code !== "NODEEXISTS") throw result;
    }
  }

  /** A txn as the server itself; a refusal comes back as the KeelError, anything else throws. */
  private async write(request: ClientRequest): Promise<Applied["result"] | KeelError> {
    const applied = await this.deps.host.submit({
      sessionId: SESSION_NONE,
      cxid: this.nextCxid++,
      auth: SERVER_AUTH,
      request,
    });
    return applied.result.type === "rejected" ? applied.result.error : applied.result;
  }
}

function userView(name: string, record: UserRecord): UserView {
  return { name, role: record.role, createdAtMs: record.createdAtMs };
}

function tokenView(tokenId: string, record: TokenRecord): TokenView {
  return {
    tokenId,
    user: record.user,
    kind: record.kind,
    scope: record.scope,
    createdAtMs: record.createdAtMs,
    expiresAtMs: record.expiresAtMs,
    description: record.description,
  };
}

/** The Authenticator's view of the accounts (auth/authenticator.ts AuthRecords). */
export function authRecordsOf(accounts: TreeAccounts) {
  return {
    user: (name: string) => accounts.userRecord(name),
    token: (tokenId: string) => accounts.tokenRecord(tokenId),
  };
}

export { SUPER_USER };
