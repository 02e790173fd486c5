import { createCallerFactory, router } from "./init";
import { analyticsRouter } from "./routers/analytics";
import { ingestRouter } from "./routers/ingest";
import { learningRouter } from "./routers/learning";
import { macrosRouter } from "./routers/macros";
import { queueRouter } from "./routers/queue";
import { slmRouter } from "./routers/slm";
import { taxonomyRouter } from "./routers/taxonomy";
import { ticketsRouter } from "./routers/tickets";
import { triageRouter } from "./routers/triage";
import { usersRouter } from "./routers/users";

export const appRouter = router({
  ingest: ingestRouter,
  tickets: ticketsRouter,
  users: usersRouter,
  taxonomy: taxonomyRouter,
  triage: triageRouter,
  learning: learningRouter,
  macros: macrosRouter,
  analytics: analyticsRouter,

  queue: queueRouter,
  slm: slmRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
