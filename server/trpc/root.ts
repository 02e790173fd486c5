import { createCallerFactory, router } from "./init";
import { ingestRouter } from "./routers/ingest";
import { learningRouter } from "./routers/learning";
import { macrosRouter } from "./routers/macros";
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
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
