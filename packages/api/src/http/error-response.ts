import { AppError, type AppErrorCode, HTTP_STATUS, toPublicError } from "../errors.js";

/** One entry of a REST error's `details`: a message, and the input field it is about when there is one. */
export interface ErrorDetail {
  field?: string;
  message: string;
}

/** The REST error body of CONTRACT.md: `{"error":{"code","message","details":[...]}}`. */
export interface ErrorBody {
  error: { code: AppErrorCode; message: string; details: ErrorDetail[] };
}

/**
 * Any thrown value as the REST error response: the code's status (400, 401, 403, 404, 409, 413, 422,
 * 429; 500 for what nobody threw on purpose), a readable message and field details. Uses the same
 * mapping as the tRPC error formatter (errors.ts `toPublicError`), so a service's AppError reads the
 * same through either door. Never a stack or the text of an unexpected error: that goes to the log.
 */
export function toErrorResponse(error: unknown): Response {
  const known = toPublicError(error);
  if (!known.isExpected) console.error("[api] unexpected error:", error);
  const details: ErrorDetail[] = Object.entries(known.fieldErrors).flatMap(([field, messages]) =>
    messages.map((message) => (field ? { field, message } : { message })),
  );
  const body: ErrorBody = { error: { code: known.code, message: known.message, details } };
  const headers: Record<string, string> = { "cache-control": "no-store" };
  const retryAfter = retryAfterOf(error);
  if (known.code === "TOO_MANY_REQUESTS" && retryAfter !== undefined)
    headers["retry-after"] = String(retryAfter);
  return Response.json(body, { status: HTTP_STATUS[known.code], headers });
}

/** The seconds to wait that an AppError (or what wraps one) carries. */
function retryAfterOf(error: unknown): number | undefined {
  let e = error;
  for (let depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    if (e instanceof AppError) return e.retryAfterSeconds;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Runs a handler and answers any error it throws with `toErrorResponse`. */
export async function answerErrors(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    return toErrorResponse(error);
  }
}

/** Signed in, or UNAUTHORIZED (401) before anything else is read. */
export function requireUserId(userId: string | null): string {
  if (!userId) throw new AppError("UNAUTHORIZED", "Sign in to continue.");
  return userId;
}

/**
 * The same call, with input validation failures of path parameters read as "no such thing": a
 * malformed workspace slug or id in a URL is a 404, like one that does not exist.
 */
export async function notFoundOnBadInput<T>(call: Promise<T>, message: string): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (toPublicError(error).code === "BAD_REQUEST") throw new AppError("NOT_FOUND", message);
    throw error;
  }
}
