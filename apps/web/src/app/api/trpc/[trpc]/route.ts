import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { clientIp, getSessionUser } from "@/server/auth";
import { getReadyDatabase } from "@/server/database";
import { api } from "@/server/modules";

export const dynamic = "force-dynamic";

async function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: api.appRouter,
    createContext: async () => {
      const [database, user] = await Promise.all([getReadyDatabase(), getSessionUser()]);
      return api.createContext({ database, userId: user?.id ?? null, ip: clientIp(request.headers) });
    },
  });
}

export { handler as GET, handler as POST };
