/**
 * `client.auth`: thin typed wrappers over the API's `auth` router (docs/client.md,
 * "Authentication"; docs/api.md). Users and other users' tokens need role admin; any user may list
 * and revoke its own tokens, create tokens for itself, and change its own password (with the old
 * one). Queries follow the client's read retry rule, mutations its write rule: a mutation whose
 * outcome is unknown is reported (ConnectionLossError), never repeated.
 */
import type { AppRouter } from "@keel/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { CallOptions } from "./client.js";
import type { KeelTrpc } from "./transport.js";

type Inputs = inferRouterInputs<AppRouter>["auth"];
type Outputs = inferRouterOutputs<AppRouter>["auth"];

/** Who the ensemble takes the caller to be (auth.whoami). */
export type WhoAmI = Outputs["whoami"];
/** viewer | operator | admin (the contract's "Roles"). */
export type UserRole = Inputs["users"]["add"]["role"];
export type UserList = Outputs["users"]["list"];
export type UserSummary = UserList["users"][number];
/** What `users.add` and `users.setRole` answer: the user as it now is. */
export type UserChange = Outputs["users"]["add"];
export type TokenList = Outputs["tokens"]["list"];
export type TokenSummary = TokenList["tokens"][number];
/** `{ paths, perms }`: the path prefixes and perms (a READ 1 … ADMIN 16 mask) a token may use. */
export type TokenScope = NonNullable<Inputs["tokens"]["create"]["scope"]>;
/** A new token: `token` is the bearer string, shown this once (only its digest is stored). */
export type IssuedToken = Outputs["tokens"]["create"];

export interface CreateTokenOptions extends CallOptions {
  /** How long the token lives (60 s to 365 days). */
  readonly ttlMs: number;
  /** Whose token (admins only; default: the caller). */
  readonly user?: string;
  /** Default `{ paths: ["/"], perms: 31 }`: everything the user may do. */
  readonly scope?: TokenScope;
  readonly description?: string;
}

/** How `KeelClient` runs a call: on its connection, with its retry rules and deadline. */
export type AuthCall = <T>(
  kind: "read" | "write",
  invoke: (trpc: KeelTrpc, signal: AbortSignal) => Promise<T>,
  options: CallOptions,
) => Promise<T>;

export class AuthApi {
  readonly users: UsersApi;
  readonly tokens: TokensApi;

  constructor(private readonly call: AuthCall) {
    this.users = new UsersApi(call);
    this.tokens = new TokensApi(call);
  }

  whoami(options: CallOptions = {}): Promise<WhoAmI> {
    return this.call("read", (trpc, signal) => trpc.auth.whoami.query(undefined, { signal }), options);
  }
}

export class UsersApi {
  constructor(private readonly call: AuthCall) {}

  /** Every user (up to `limit`, default the server's), sorted by name; `truncated` when more exist. */
  list(options: CallOptions & { readonly limit?: number } = {}): Promise<UserList> {
    const input = options.limit === undefined ? {} : { limit: options.limit };
    return this.call("read", (trpc, signal) => trpc.auth.users.list.query(input, { signal }), options);
  }

  /** A new user (NODEEXISTS if the name is taken). */
  add(name: string, password: string, role: UserRole, options: CallOptions = {}): Promise<UserChange> {
    return this.call(
      "write",
      (trpc, signal) => trpc.auth.users.add.mutate({ name, password, role }, { signal }),
      options,
    );
  }

  /** Removes the user and revokes its tokens. */
  async remove(name: string, options: CallOptions = {}): Promise<void> {
    await this.call("write", (trpc, signal) => trpc.auth.users.remove.mutate({ name }, { signal }), options);
  }

  setRole(name: string, role: UserRole, options: CallOptions = {}): Promise<UserChange> {
    return this.call("write", (trpc, signal) => trpc.auth.users.setRole.mutate({ name, role }, { signal }), options);
  }

  /** An admin sets anyone's password; a user changes its own with `oldPassword`. */
  async setPassword(
    name: string,
    password: string,
    options: CallOptions & { readonly oldPassword?: string } = {},
  ): Promise<void> {
    const input = {
      name,
      password,
      ...(options.oldPassword === undefined ? {} : { oldPassword: options.oldPassword }),
    };
    await this.call("write", (trpc, signal) => trpc.auth.users.setPassword.mutate(input, { signal }), options);
  }
}

export class TokensApi {
  constructor(private readonly call: AuthCall) {}

  /** A new API token; keep `token`, the server cannot show it again. */
  create(options: CreateTokenOptions): Promise<IssuedToken> {
    const input = {
      ttlMs: options.ttlMs,
      ...(options.user === undefined ? {} : { user: options.user }),
      ...(options.scope === undefined ? {} : { scope: options.scope }),
      ...(options.description === undefined ? {} : { description: options.description }),
    };
    return this.call("write", (trpc, signal) => trpc.auth.tokens.create.mutate(input, { signal }), options);
  }

  /** The caller's tokens, or (admins) `user`'s. */
  list(options: CallOptions & { readonly user?: string } = {}): Promise<TokenList> {
    const input = options.user === undefined ? {} : { user: options.user };
    return this.call("read", (trpc, signal) => trpc.auth.tokens.list.query(input, { signal }), options);
  }

  async revoke(tokenId: string, options: CallOptions = {}): Promise<void> {
    await this.call("write", (trpc, signal) => trpc.auth.tokens.revoke.mutate({ tokenId }, { signal }), options);
  }
}
