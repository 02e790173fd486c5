import { createCallerFactory, router } from "./init";
import { analyticsRouter } from "./routers/analytics";
import { ingestRouter } from "./routers/ingest";
import { learningRouter } from "./routers/learning";
import { macrosRouter } from "./routers/macros";
import { queueRouter } from "./routers/queue";
import { slaRouter } from "./routers/sla";
import { slmRouter } from "./routers/slm";
import { taxonomyRouter } from "./routers/taxonomy";
import { teamsRouter } from "./routers/teams";
import { ticketsRouter } from "./routers/tickets";
import { triageRouter } from "./routers/triage";
import { usersRouter } from "./routers/users";

export const appRouter = router({
  ingest: ingestRouter,
  tickets: ticketsRouter,
  users: usersRouter,
  taxonomy: taxonomyRouter,
  teams: teamsRouter,
  sla: slaRouter,
  triage: triageRouter,
  learning: learningRouter,
  macros: macrosRouter,
  analytics: analyticsRouter,

  queue: queueRouter,
  slm: slmRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
