/** Znode operations: writes go through the leader; reads are served locally unless `linearizable`. */
import { PERMS } from "@keel/core";
import { z } from "zod";
import { forceReleaseSubject, setAclSubject } from "../audit.js";
import { requirePathAccess, requireRole } from "../caller.js";
import {
  childrenInputSchema,
  createInputSchema,
  deleteInputSchema,
  ephemeralsInputSchema,
  findInputSchema,
  multiInputSchema,
  pathSchema,
  readInputSchema,
  setAclInputSchema,
  setInputSchema,
} from "../schemas.js";
import { audited, procedure, router } from "../trpc.js";

/** The perm each multi op needs on its path (core checks the node ACLs; this checks role and scope). */
const OP_PERMS = { create: PERMS.CREATE, delete: PERMS.DELETE, set: PERMS.WRITE, check: PERMS.READ } as const;

/**
 * Every procedure checks the caller's role and token scope for the path and perm it needs
 * (caller.ts), then hands the caller to the coordinator, whose core checks the node's ACL.
 */
export const nodeRouter = router({
  create: procedure.input(createInputSchema).mutation(({ ctx, input }) => {
    requirePathAccess(ctx.caller, input.path, PERMS.CREATE);
    return ctx.coordinator.create(input, ctx.caller);
  }),
  set: procedure.input(setInputSchema).mutation(({ ctx, input }) => {
    requirePathAccess(ctx.caller, input.path, PERMS.WRITE);
    return ctx.coordinator.set(input, ctx.caller);
  }),
  delete: procedure
    .input(deleteInputSchema)
    .use(audited(forceReleaseSubject))
    .mutation(({ ctx, input }) => {
      if (input.forceRelease !== undefined) requireRole(ctx.caller, "operator", "force-release");
      requirePathAccess(ctx.caller, input.path, PERMS.DELETE);
      return ctx.coordinator.delete(input, ctx.caller);
    }),
  multi: procedure.input(multiInputSchema).mutation(({ ctx, input }) => {
    for (const op of input.ops) requirePathAccess(ctx.caller, op.path, OP_PERMS[op.type]);
    return ctx.coordinator.multi(input, ctx.caller);
  }),
  sync: procedure.input(z.object({ path: pathSchema.default("/") })).mutation(({ ctx, input }) => {
    requirePathAccess(ctx.caller, input.path, PERMS.READ);
    return ctx.coordinator.sync(input.path);
  }),
  setAcl: procedure
    .input(setAclInputSchema)
    .use(audited(setAclSubject))
    .mutation(({ ctx, input }) => {
      requirePathAccess(ctx.caller, input.path, PERMS.ADMIN);
      return ctx.coordinator.setAcl(input, ctx.caller);
    }),
  get: procedure.input(readInputSchema).query(({ ctx, input }) => {
    requirePathAccess(ctx.caller, input.path, PERMS.READ);
    return ctx.coordinator.get(input, ctx.caller);
  }),
  exists: procedure.input(readInputSchema).query(({ ctx, input }) => {
    requirePathAccess(ctx.caller, input.path, PERMS.READ);
    return ctx.coordinator.exists(input, ctx.caller);
  }),
  /** One page of children, sorted by name (`limit`, `after`; `nextAfter` continues). */
  children: procedure.input(childrenInputSchema).query(({ ctx, input }) => {
    requirePathAccess(ctx.caller, input.path, PERMS.READ);
    return ctx.coordinator.children(input, ctx.caller);
  }),
  childCount: procedure.input(readInputSchema).query(({ ctx, input }) => {
    requirePathAccess(ctx.caller, input.path, PERMS.READ);
    return ctx.coordinator.childCount(input, ctx.caller);
  }),
  getAcl: procedure.input(readInputSchema).query(({ ctx, input }) => {
    requirePathAccess(ctx.caller, input.path, PERMS.READ);
    return ctx.coordinator.getAcl(input, ctx.caller);
  }),
  /** The session's own ephemerals under `prefix`, those the caller may read. */
  ephemerals: procedure.input(ephemeralsInputSchema).query(({ ctx, input }) => {
    requirePathAccess(ctx.caller, input.prefix, PERMS.READ);
    return ctx.coordinator.ephemerals(input, ctx.caller);
  }),
  /** The console's search: a bounded scan of a subtree by name prefix and/or data substring. */
  find: procedure.input(findInputSchema).query(({ ctx, input }) => {
    requirePathAccess(ctx.caller, input.path, PERMS.READ);
    return ctx.coordinator.find(input, ctx.caller);
  }),
});
