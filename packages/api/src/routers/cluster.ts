/** Cluster information: this server's role, epochs, zxids, the members and the leader. */
import { procedure, router } from "../trpc.js";

export const clusterRouter = router({
  status: procedure.query(({ ctx }) => ctx.coordinator.status()),
});
