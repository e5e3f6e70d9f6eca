import "server-only";
import { clientIp, getSessionUser } from "./auth";
import { getReadyDatabase } from "./database";
import { api } from "./modules";

const STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
};

/** A route handler's error: `{error: {code, message, details?}}` with the code's HTTP status. */
export function errorResponse(code: string, message: string, details?: unknown[]): Response {
  return Response.json(
    { error: { code, message, ...(details === undefined ? {} : { details }) } },
    { status: STATUS[code] ?? 500 },
  );
}

type Caller = ReturnType<typeof api.createCaller>;

/**
 * For route handlers outside tRPC (uploads, downloads): the database and the signed-in user's api
 * caller, so every read goes through the same tenant-checked procedures as the UI; or the 401
 * response to send when nobody is signed in.
 */
export async function routeCaller(
  request: Request,
): Promise<
  { database: Awaited<ReturnType<typeof getReadyDatabase>>; userId: string; caller: Caller } | Response
> {
  const [database, user] = await Promise.all([getReadyDatabase(), getSessionUser()]);
  if (!user) return errorResponse("UNAUTHORIZED", "Sign in to continue.");
  const caller = api.createCaller(
    api.createContext({ database, userId: user.id, ip: clientIp(request.headers) }),
  );
  return { database, userId: user.id, caller };
}
