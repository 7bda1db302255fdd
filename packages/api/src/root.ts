import { auditRouter } from "./routers/audit.js";
import { authRouter } from "./routers/auth.js";
import { clusterRouter } from "./routers/cluster.js";
import { logRouter } from "./routers/log.js";
import { membersRouter } from "./routers/members.js";
import { nodeRouter } from "./routers/node.js";
import { sessionRouter } from "./routers/session.js";
import { watchRouter } from "./routers/watch.js";
import { router } from "./trpc.js";

export const appRouter = router({
  node: nodeRouter,
  session: sessionRouter,
  watch: watchRouter,
  cluster: clusterRouter,
  log: logRouter,
  auth: authRouter,
  audit: auditRouter,
  members: membersRouter,
});

export type AppRouter = typeof appRouter;
