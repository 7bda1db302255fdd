/**
 * Users, tokens and the console's login (docs/security.md, "Client authentication"). Who may do
 * what is decided here (caller.ts); storing, hashing and issuing are the server's (Accounts).
 * Everything that changes who can do what is audited, done or refused.
 */
import { keelError } from "@keel/core";
import type { Accounts } from "../accounts.js";
import type { AuditSubject } from "../audit.js";
import { type Caller, FULL_SCOPE, isUnrestricted, requireFullAdmin, scopeWithin } from "../caller.js";
import {
  addUserInputSchema,
  createTokenInputSchema,
  listTokensInputSchema,
  loginInputSchema,
  setPasswordInputSchema,
  setRoleInputSchema,
  tokenRefInputSchema,
  userListInputSchema,
  userRefInputSchema,
} from "../schemas.js";
import { audited, procedure, publicProcedure, router } from "../trpc.js";

function accountsOf(ctx: { readonly accounts?: Accounts | undefined }): Accounts {
  if (ctx.accounts === undefined) throw keelError("UNIMPLEMENTED", "this server has no user accounts");
  return ctx.accounts;
}

/** The user a signed-in caller acts as; anonymous callers have none. */
function signedIn(caller: Caller, what: string): string {
  if (caller.user === null) throw keelError("NOAUTH", `${what} needs a signed-in user`);
  return caller.user;
}

const usersRouter = router({
  list: procedure.input(userListInputSchema).query(({ ctx, input }) => {
    requireFullAdmin(ctx.caller, "listing users");
    return accountsOf(ctx).listUsers(input?.limit ?? 1000);
  }),
  add: procedure
    .input(addUserInputSchema)
    .use(
      audited((input: { name: string; role: string }) => ({
        action: "userAdded",
        targetUser: input.name,
        role: input.role,
      })),
    )
    .mutation(({ ctx, input }) => {
      requireFullAdmin(ctx.caller, "adding a user");
      if (input.name === "super")
        throw keelError("NODEEXISTS", "the user name super is reserved for the built-in admin");
      return accountsOf(ctx).addUser(input);
    }),
  remove: procedure
    .input(userRefInputSchema)
    .use(audited((input: { name: string }) => ({ action: "userRemoved", targetUser: input.name })))
    .mutation(async ({ ctx, input }) => {
      requireFullAdmin(ctx.caller, "removing a user");
      await accountsOf(ctx).removeUser(input.name);
      return { removed: true as const };
    }),
  setRole: procedure
    .input(setRoleInputSchema)
    .use(
      audited((input: { name: string; role: string }) => ({
        action: "userRoleSet",
        targetUser: input.name,
        role: input.role,
      })),
    )
    .mutation(({ ctx, input }) => {
      requireFullAdmin(ctx.caller, "setting a role");
      return accountsOf(ctx).setRole(input.name, input.role);
    }),
  /** An admin resets anyone's password; users change their own by giving the old one. */
  setPassword: procedure
    .input(setPasswordInputSchema)
    .use(audited((input: { name: string }) => ({ action: "passwordSet", targetUser: input.name })))
    .mutation(async ({ ctx, input }) => {
      const accounts = accountsOf(ctx);
      const self = ctx.caller.user === input.name && isUnrestricted(ctx.caller.scope);
      if (!self) requireFullAdmin(ctx.caller, "setting another user's password");
      else if (ctx.caller.role !== "admin") {
        if (input.oldPassword === undefined || !(await accounts.verifyPassword(input.name, input.oldPassword)))
          throw keelError("AUTHFAILED", "the old password is wrong");
      }
      await accounts.setPassword(input.name, input.password);
      return { name: input.name };
    }),
});

const tokensRouter = router({
  create: procedure
    .input(createTokenInputSchema)
    .use(
      audited((input: { user?: string }) => ({
        action: "tokenCreated",
        ...(input.user === undefined ? {} : { targetUser: input.user }),
      })),
    )
    .mutation(async ({ ctx, input }) => {
      const caller = ctx.caller;
      const owner = input.user ?? signedIn(caller, "creating a token");
      if (owner !== caller.user) requireFullAdmin(caller, "creating a token for another user");
      // A token never widens what its maker holds: a restricted token makes only narrower ones.
      else if (!scopeWithin(input.scope, caller.scope))
        throw keelError("NOAUTH", "a token's scope must be within the scope of the token that creates it");
      const accounts = accountsOf(ctx);
      if (owner !== "super" && (await accounts.user(owner)) === undefined)
        throw keelError("NONODE", `no user ${owner}`);
      return accounts.createToken({
        user: owner,
        kind: "api",
        scope: input.scope,
        ttlMs: input.ttlMs,
        description: input.description,
      });
    }),
  /** Your own tokens; an admin lists anyone's, or everyone's when no user is named. */
  list: procedure.input(listTokensInputSchema).query(async ({ ctx, input }) => {
    const caller = ctx.caller;
    const wanted = input?.user;
    const admin = caller.role === "admin" && isUnrestricted(caller.scope);
    if (wanted === undefined)
      return { tokens: await accountsOf(ctx).listTokens(admin ? undefined : signedIn(caller, "listing tokens")) };
    if (wanted !== caller.user) requireFullAdmin(caller, "listing another user's tokens");
    return { tokens: await accountsOf(ctx).listTokens(wanted) };
  }),
  /** Your own tokens (a restricted token may revoke itself); an admin revokes anyone's. */
  revoke: procedure
    .input(tokenRefInputSchema)
    .use(audited((input: { tokenId: string }) => ({ action: "tokenRevoked", tokenId: input.tokenId })))
    .mutation(async ({ ctx, input }) => {
      const accounts = accountsOf(ctx);
      const token = await accounts.token(input.tokenId);
      const caller = ctx.caller;
      const own = token !== undefined && token.user === caller.user;
      const itself = caller.tokenId === input.tokenId;
      if (!itself && !(own && isUnrestricted(caller.scope))) requireFullAdmin(caller, "revoking another user's token");
      if (token === undefined) throw keelError("NONODE", `no token ${input.tokenId}`);
      await accounts.revokeToken(input.tokenId);
      return { revoked: true as const };
    }),
});

export const authRouter = router({
  /**
   * The console's login: checks the password and answers with a session cookie (HttpOnly,
   * SameSite=Strict) and the CSRF token the console sends with every mutation. Only from an
   * allowed origin (or none), so a foreign page cannot log a browser in as someone else.
   */
  login: publicProcedure.input(loginInputSchema).mutation(async ({ ctx, input }) => {
    if (!ctx.identification.originAllowed)
      throw keelError("NOAUTH", "logging in from this origin is not allowed (the server's consoleOrigins)");
    const accounts = accountsOf(ctx);
    const audit = (subject: AuditSubject, outcome: string) =>
      ctx.audit?.({
        ...subject,
        outcome,
        user: input.user,
        via: "password",
        ...(ctx.clientAddress === undefined ? {} : { clientAddress: ctx.clientAddress }),
      });
    let session: Awaited<ReturnType<Accounts["login"]>>;
    try {
      session = await accounts.login(input, ctx.clientAddress);
    } catch (error) {
      const code = error instanceof Error && "code" in error ? String(error.code) : "SYSTEMERROR";
      audit({ action: "login" }, code);
      throw error;
    }
    audit({ action: "login" }, "OK");
    ctx.sessionCookie?.set(session.token, Math.floor((session.expiresAtMs - Date.now()) / 1000));
    return { user: session.user, role: session.role, expiresAtMs: session.expiresAtMs, csrfToken: session.csrfToken };
  }),
  /** Revokes the cookie's login token and clears the cookie; a stale or missing cookie is not an error. */
  logout: publicProcedure.mutation(async ({ ctx }) => {
    const { caller, csrfOk } = ctx.identification;
    ctx.sessionCookie?.clear();
    if (caller.via === "cookie" && caller.tokenId !== null && csrfOk && ctx.accounts !== undefined) {
      await ctx.accounts.revokeToken(caller.tokenId).catch(() => undefined);
      ctx.audit?.({
        action: "logout",
        outcome: "OK",
        user: caller.user,
        ...(ctx.clientAddress === undefined ? {} : { clientAddress: ctx.clientAddress }),
      });
    }
    return { loggedOut: true as const };
  }),
  whoami: publicProcedure.query(({ ctx }) => {
    const { caller } = ctx.identification;
    return {
      user: caller.user,
      role: caller.role,
      via: caller.via,
      scope: caller.scope ?? (caller.user === null ? null : FULL_SCOPE),
      expiresAtMs: caller.expiresAtMs,
      authRequired: ctx.authRequired === true,
      authenticationFailed: ctx.identification.failure !== undefined,
    };
  }),
  users: usersRouter,
  tokens: tokensRouter,
});
