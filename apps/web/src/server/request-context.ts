import "server-only";
import type { Context } from "@strata/api";
import { clientIp, getSessionUser } from "./auth";
import { getReadyDatabase } from "./database";
import { api } from "./modules";

/**
 * The api's context for one request: the process's database, the signed-in user (or null) and the
 * client's address. tRPC and the REST handlers of @strata/api get the same context, so every front
 * door checks sign-in, membership and permissions in one place.
 */
export async function requestContext(request: Request): Promise<Context> {
  const [database, user] = await Promise.all([getReadyDatabase(), getSessionUser()]);
  return api.createContext({ database, userId: user?.id ?? null, ip: clientIp(request.headers) });
}
