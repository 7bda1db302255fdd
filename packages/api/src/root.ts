import { clusterRouter } from "./routers/cluster.js";
import { nodeRouter } from "./routers/node.js";
import { sessionRouter } from "./routers/session.js";
import { watchRouter } from "./routers/watch.js";
import { router } from "./trpc.js";

export const appRouter = router({
  node: nodeRouter,
  session: sessionRouter,
  watch: watchRouter,
  cluster: clusterRouter,
});

export type AppRouter = typeof appRouter;
