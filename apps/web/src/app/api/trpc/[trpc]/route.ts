import { api } from "@/server/modules";
import { requestContext } from "@/server/request-context";

export const dynamic = "force-dynamic";

/** tRPC with the api's request limits (batch size, body size): see `trpcRequestHandler` in @strata/api. */
async function handler(request: Request): Promise<Response> {
  return api.trpcRequestHandler(request, () => requestContext(request));
}

export { handler as GET, handler as POST };
