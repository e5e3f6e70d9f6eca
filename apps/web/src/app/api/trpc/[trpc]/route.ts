import { appRouter, createContext } from "@strata/api";
import { clientIp } from "@strata/auth";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getSessionUser } from "@/server/auth";
import { getReadyDatabase } from "@/server/database";

export const dynamic = "force-dynamic";

async function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => {
      const [database, user] = await Promise.all([getReadyDatabase(), getSessionUser()]);
      return createContext({ database, userId: user?.id ?? null, ip: clientIp(request.headers) });
    },
    onError: ({ error, path }) => {
      // Expected failures (bad input, no access) are answered to the client; only log the unexpected.
      if (error.code === "INTERNAL_SERVER_ERROR")
        console.error(`[trpc] ${path ?? "?"}:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
