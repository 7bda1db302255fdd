/** Znode operations: writes go through the leader; reads are served locally unless `linearizable`. */
import { z } from "zod";
import { forceReleaseSubject, setAclSubject } from "../audit.js";
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

export const nodeRouter = router({
  create: procedure.input(createInputSchema).mutation(({ ctx, input }) => ctx.coordinator.create(input)),
  set: procedure.input(setInputSchema).mutation(({ ctx, input }) => ctx.coordinator.set(input)),
  delete: procedure
    .input(deleteInputSchema)
    .use(audited(forceReleaseSubject))
    .mutation(({ ctx, input }) => ctx.coordinator.delete(input)),
  multi: procedure.input(multiInputSchema).mutation(({ ctx, input }) => ctx.coordinator.multi(input)),
  sync: procedure
    .input(z.object({ path: pathSchema.default("/") }))
    .mutation(({ ctx, input }) => ctx.coordinator.sync(input.path)),
  setAcl: procedure
    .input(setAclInputSchema)
    .use(audited(setAclSubject))
    .mutation(({ ctx, input }) => ctx.coordinator.setAcl(input)),
  get: procedure.input(readInputSchema).query(({ ctx, input }) => ctx.coordinator.get(input)),
  exists: procedure.input(readInputSchema).query(({ ctx, input }) => ctx.coordinator.exists(input)),
  children: procedure.input(childrenInputSchema).query(({ ctx, input }) => ctx.coordinator.children(input)),
  childCount: procedure.input(readInputSchema).query(({ ctx, input }) => ctx.coordinator.childCount(input)),
  getAcl: procedure.input(readInputSchema).query(({ ctx, input }) => ctx.coordinator.getAcl(input)),
  ephemerals: procedure.input(ephemeralsInputSchema).query(({ ctx, input }) => ctx.coordinator.ephemerals(input)),
  /** The console's search: a bounded scan of a subtree by name prefix and/or data substring. */
  find: procedure.input(findInputSchema).query(({ ctx, input }) => ctx.coordinator.find(input)),
});
