import "server-only";
import type { Context } from "@strata/api";
import { cookies } from "next/headers";
import { clientIp, getAuthOptions } from "./auth";
import { getReadyDatabase } from "./database";
import { api, auth } from "./modules";

/**
 * The api's context for one request: the process's database, the signed-in user (or null) and the
 * client's address. tRPC and the REST handlers of @strata/api get the same context, so every front
 * door checks sign-in, membership and permissions in one place.
 *
 * The session cookie is read here rather than through next-auth's getServerSession, which on every
 * call derives the key twice (decode, then re-encode a cookie a route handler cannot send) and reads
 * the session version in a query of its own: the api's signed-in procedures compare the cookie's
 * session version with the user's row in the query they make anyway.
 */
export async function requestContext(request: Request): Promise<Context> {
  const [database, options, store] = await Promise.all([getReadyDatabase(), getAuthOptions(), cookies()]);
  const claims = await auth.readSessionClaims({
    cookies: store,
    secret: options.secret!,
    secureCookie: options.useSecureCookies ?? false,
  });
  return api.createContext({
    database,
    userId: claims?.userId ?? null,
    sessionVersion: claims?.sessionVersion,
    ip: clientIp(request.headers),
    perRequest: true,
  });
}
