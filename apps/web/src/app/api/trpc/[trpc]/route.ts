import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { api } from "@/server/modules";
import { requestContext } from "@/server/request-context";

export const dynamic = "force-dynamic";

async function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: api.appRouter,
    createContext: () => requestContext(request),
  });
}

export { handler as GET, handler as POST };
