import "server-only";
import { type AppRouter, appRouter, createContext } from "@strata/api";
import { clientIp } from "@strata/auth";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy, type TRPCQueryOptions } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { getSessionUser } from "@/server/auth";
import { getReadyDatabase } from "@/server/database";
import { makeQueryClient } from "./query-client";

/** The tRPC context of a server component render: same session and database as the HTTP handler. */
const createRscContext = cache(async () => {
  const [database, user, requestHeaders] = await Promise.all([
    getReadyDatabase(),
    getSessionUser(),
    headers(),
  ]);
  return createContext({ database, userId: user?.id ?? null, ip: clientIp(requestHeaders) });
});

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy<AppRouter>({
  router: appRouter,
  ctx: createRscContext,
  queryClient: getQueryClient,
});

/** Calls procedures directly from server components (no HTTP), with this request's session. */
export const getCaller = cache(async () => appRouter.createCaller(await createRscContext()));

/** Starts a query on the server; the client component reading it gets the data through HydrateClient. */
export function prefetch(queryOptions: ReturnType<TRPCQueryOptions<never>>): void {
  void getQueryClient().prefetchQuery(queryOptions as never);
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
