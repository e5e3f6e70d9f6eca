import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { accountRouter } from "./routers/account.js";
import { auditRouter } from "./routers/audit.js";
import { commentRouter } from "./routers/comment.js";
import { costToServeRouter } from "./routers/cost-to-serve.js";
import { customerRouter } from "./routers/customer.js";
import { datasetRouter } from "./routers/dataset.js";
import { healthRouter } from "./routers/health.js";
import { importRouter } from "./routers/import.js";
import { invitationRouter } from "./routers/invitation.js";
import { memberRouter } from "./routers/member.js";
import { policyRouter } from "./routers/policy.js";
import { runRouter } from "./routers/run.js";
import { scenarioRouter } from "./routers/scenario.js";
import { segmentRouter } from "./routers/segment.js";
import { tenantRouter } from "./routers/tenant.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  health: healthRouter,
  account: accountRouter,
  tenant: tenantRouter,
  member: memberRouter,
  invitation: invitationRouter,
  audit: auditRouter,
  comment: commentRouter,
  run: runRouter,
  dataset: datasetRouter,
  import: importRouter,
  customer: customerRouter,
  segment: segmentRouter,
  costToServe: costToServeRouter,
  policy: policyRouter,
  scenario: scenarioRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Server-side calls (tests, server components): `createCaller(createContext({ database, userId }))`. */
export const createCaller = createCallerFactory(appRouter);
