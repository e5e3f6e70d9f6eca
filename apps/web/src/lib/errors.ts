/** What a form shows after a failed request: one message, plus per-field messages when the server named fields. */
export interface FormError {
  message: string;
  fieldErrors: Record<string, string>;
}

const NETWORK_MESSAGE = "Could not reach the server. Check your connection and try again.";
const FALLBACK_MESSAGE = "Something went wrong on our side. Try again in a moment.";

function firstMessage(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.find((v): v is string => typeof v === "string");
  return undefined;
}

/**
 * Reads a tRPC client error shaped by the api's error formatter (`data: {code, fieldErrors}`);
 * anything else becomes a generic message, never a stack trace.
 */
export function toFormError(error: unknown): FormError {
  if (!(error instanceof Error)) return { message: FALLBACK_MESSAGE, fieldErrors: {} };
  const data = (error as { data?: { code?: unknown; fieldErrors?: unknown; httpStatus?: unknown } }).data;
  if (!data) {
    const isNetwork = error.name === "TypeError" || /fetch|network/i.test(error.message);
    return { message: isNetwork ? NETWORK_MESSAGE : FALLBACK_MESSAGE, fieldErrors: {} };
  }
  const fieldErrors: Record<string, string> = {};
  if (data.fieldErrors && typeof data.fieldErrors === "object") {
    for (const [field, value] of Object.entries(data.fieldErrors as Record<string, unknown>)) {
      const message = firstMessage(value);
      if (message) fieldErrors[field] = message;
    }
  }
  const message =
    data.code === "INTERNAL_SERVER_ERROR" ? FALLBACK_MESSAGE : error.message || FALLBACK_MESSAGE;
  return { message, fieldErrors };
}

/** The error code of a tRPC error (client or server side), if it is one. */
export function trpcErrorCode(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const direct = (error as { code?: unknown }).code;
  if (typeof direct === "string") return direct;
  const fromData = (error as { data?: { code?: unknown } }).data?.code;
  return typeof fromData === "string" ? fromData : undefined;
}
