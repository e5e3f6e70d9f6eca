/**
 * The one error type services throw. Codes are tRPC's names (so the mapping is the identity) but
 * services stay free of tRPC: jobs and the CLI catch AppError too. `field` names the input field the
 * message is about, so forms can show it beside that field.
 */
export type AppErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "PRECONDITION_FAILED"
  | "PAYLOAD_TOO_LARGE"
  | "UNPROCESSABLE_CONTENT"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL_SERVER_ERROR";

export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Postgres unique_violation (23505), whether raw or wrapped by drizzle as `cause`. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let e = error as { code?: unknown; constraint?: unknown; cause?: unknown } | undefined; e; ) {
    if (e.code === "23505") return constraint === undefined || e.constraint === constraint;
    e = e.cause as typeof e;
  }
  return false;
}

export interface IssueLike {
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  message: string;
}

/** Field -> messages from validation issues (zod or any Standard Schema); "" for whole-input issues. */
export function fieldErrorsFromIssues(issues: readonly IssueLike[]): Record<string, string[]> {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of issues) {
    const first = issue.path?.[0];
    const key = first === undefined ? "" : String(typeof first === "object" ? first.key : first);
    const messages = fieldErrors[key] ?? [];
    messages.push(issue.message);
    fieldErrors[key] = messages;
  }
  return fieldErrors;
}
