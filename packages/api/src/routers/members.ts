/**
 * The ensemble's membership (docs/operations.md, "Membership changes"): list it, add a member or
 * remove one. A change is a replicated write like any other: it takes effect once a quorum of the
 * old voters and a quorum of the new ones have it, one change at a time. Admin only, and audited.
 */
import { requireFullAdmin } from "../caller.js";
import { addMemberInputSchema, removeMemberInputSchema } from "../schemas.js";
import { audited, procedure, router } from "../trpc.js";

export const membersRouter = router({
  /** The committed configuration as this member has applied it (`version`: the zxid that made it, 0 at bootstrap). */
  list: procedure.query(({ ctx }) => ctx.coordinator.members()),
  add: procedure
    .input(addMemberInputSchema)
    .use(
      audited((input: { id: number; role: string; host: string; peerPort: number }) => ({
        action: "memberAdded",
        memberId: input.id,
        role: input.role,
        peerAddress: `${input.host}:${input.peerPort}`,
      })),
    )
    .mutation(({ ctx, input }) => {
      requireFullAdmin(ctx.caller, "changing the ensemble's members");
      return ctx.coordinator.reconfigure({ add: input, fromVersion: input.fromVersion }, ctx.caller);
    }),
  remove: procedure
    .input(removeMemberInputSchema)
    .use(audited((input: { id: number }) => ({ action: "memberRemoved", memberId: input.id })))
    .mutation(({ ctx, input }) => {
      requireFullAdmin(ctx.caller, "changing the ensemble's members");
      return ctx.coordinator.reconfigure({ remove: input.id, fromVersion: input.fromVersion }, ctx.caller);
    }),
});
