import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { accountRouter } from "./routers/account.js";
import { auditRouter } from "./routers/audit.js";
import { healthRouter } from "./routers/health.js";
import { invitationRouter } from "./routers/invitation.js";
import { memberRouter } from "./routers/member.js";
import { tenantRouter } from "./routers/tenant.js";
import { createCallerFactory, router } from "./trpc.js";

export const appRouter = router({
  health: healthRouter,
  account: accountRouter,
  tenant: tenantRouter,
  member: memberRouter,
  invitation: invitationRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** Server-side calls (tests, server components): `createCaller(createContext({ database, userId }))`. */
export const createCaller = createCallerFactory(appRouter);
