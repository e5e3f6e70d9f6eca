import "server-only";
import type { AppRouter } from "@strata/api";
import { dehydrate, HydrationBoundary, type QueryClient } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { clientIp, getSessionUser } from "@/server/auth";
import { getReadyDatabase } from "@/server/database";
import { api } from "@/server/modules";
import { makeQueryClient } from "./query-client";

/** The tRPC context of a server component render: same session and database as the HTTP handler. */
const createRscContext = cache(async () => {
  const [database, user, requestHeaders] = await Promise.all([
    getReadyDatabase(),
    getSessionUser(),
    headers(),
  ]);
  return api.createContext({ database, userId: user?.id ?? null, ip: clientIp(requestHeaders) });
});

export const getQueryClient = cache(makeQueryClient);

export const trpc = createTRPCOptionsProxy<AppRouter>({
  router: api.appRouter,
  ctx: createRscContext,
  queryClient: getQueryClient,
});

/** Calls procedures directly from server components (no HTTP), with this request's session. */
export const getCaller = cache(async () => api.createCaller(await createRscContext()));

/** Starts a query on the server; the client component reading it gets the data through HydrateClient. */
export function prefetch<TOptions extends { queryKey: readonly unknown[] }>(queryOptions: TOptions): void {
  // tRPC's typed options are narrower than the QueryClient's generic parameter; they are the same object.
  void getQueryClient().prefetchQuery(queryOptions as Parameters<QueryClient["prefetchQuery"]>[0]);
}

/** Like prefetch, for paged lists read with useInfiniteQuery (first page only). */
export function prefetchInfinite<TOptions extends { queryKey: readonly unknown[] }>(
  queryOptions: TOptions,
): void {
  void getQueryClient().prefetchInfiniteQuery(
    queryOptions as unknown as Parameters<QueryClient["prefetchInfiniteQuery"]>[0],
  );
}

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
