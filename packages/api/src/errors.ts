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
    /** TOO_MANY_REQUESTS: when to try again; REST answers it as Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * The HTTP status of each code, for every front door (tRPC uses the same numbers for these names).
 * REST answers only with the statuses CONTRACT.md lists, so PRECONDITION_FAILED (the state does not
 * allow it: an expired invitation, the last owner) answers 409 there; the body keeps the code.
 */
export const HTTP_STATUS: Readonly<Record<AppErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
};

export function isAppErrorCode(value: unknown): value is AppErrorCode {
  return typeof value === "string" && Object.hasOwn(HTTP_STATUS, value);
}

/** The message a client sees for an error we did not expect; its own text (SQL, data) goes to the log. */
export const UNEXPECTED_ERROR_MESSAGE = "Something went wrong on our side. Please try again.";

/** What a client may see of an error: never a stack, never the text of an unexpected error. */
export interface PublicError {
  code: AppErrorCode;
  message: string;
  /** Field name -> messages; "" holds messages about the input as a whole. */
  fieldErrors: Record<string, string[]>;
  /** False for an error nobody threw on purpose: log it, show UNEXPECTED_ERROR_MESSAGE. */
  isExpected: boolean;
}

/**
 * The one mapping from a thrown value to what a client sees, shared by the tRPC error formatter and
 * the REST front doors (`http/`). Understands AppError, validation errors (zod or any Standard Schema
 * `issues`), and errors that wrap one of those as `cause` (a TRPCError from a server-side caller),
 * without importing tRPC: services, jobs and the CLI stay free of it.
 */
export function toPublicError(error: unknown): PublicError {
  const outer = error as { name?: unknown; code?: unknown; message?: unknown } | null | undefined;
  const outerCode = outer?.name === "TRPCError" && isAppErrorCode(outer.code) ? outer.code : undefined;
  const found = findExpectedError(error);
  // A wrapper's code wins over what it wraps: tRPC reports an invalid *output* as INTERNAL_SERVER_ERROR
  // around a validation error, and that is our bug, not the caller's bad input.
  if (found && (outerCode === undefined || outerCode === found.code)) return found;
  if (outerCode && outerCode !== "INTERNAL_SERVER_ERROR" && typeof outer?.message === "string") {
    // Raised by tRPC itself (e.g. an unknown procedure): its message is written for clients.
    return { code: outerCode, message: outer.message, fieldErrors: {}, isExpected: true };
  }
  return {
    code: "INTERNAL_SERVER_ERROR",
    message: UNEXPECTED_ERROR_MESSAGE,
    fieldErrors: {},
    isExpected: false,
  };
}

function findExpectedError(error: unknown): PublicError | undefined {
  let e = error;
  for (let depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    if (e instanceof AppError) {
      const fieldErrors = e.field ? { [e.field]: [e.message] } : {};
      return { code: e.code, message: e.message, fieldErrors, isExpected: true };
    }
    const issues = (e as { issues?: unknown }).issues;
    if (Array.isArray(issues)) {
      const fieldErrors = fieldErrorsFromIssues(issues as IssueLike[]);
      const [field, messages] = Object.entries(fieldErrors)[0] ?? ["", ["Invalid input"]];
      const first = messages[0] ?? "Invalid input";
      const message = field ? `${field}: ${first}` : first;
      return { code: "BAD_REQUEST", message, fieldErrors, isExpected: true };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
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
