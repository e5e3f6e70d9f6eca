import { describe, expect, it } from "vitest";
import { toFormError, trpcErrorCode } from "./errors";

function trpcLikeError(message: string, data: Record<string, unknown>): Error {
  return Object.assign(new Error(message), { data });
}

describe("toFormError", () => {
  it("takes the first message of each field from the api's fieldErrors", () => {
    const error = trpcLikeError("Check the highlighted fields", {
      code: "BAD_REQUEST",
      fieldErrors: { password: ["Use at least 10 characters", "second"], email: [] },
    });
    expect(toFormError(error)).toEqual({
      message: "Check the highlighted fields",
      fieldErrors: { password: "Use at least 10 characters" },
    });
  });

  it("accepts field messages given as plain strings", () => {
    const error = trpcLikeError("Taken", {
      code: "CONFLICT",
      fieldErrors: { email: "Email already registered" },
    });
    expect(toFormError(error).fieldErrors).toEqual({ email: "Email already registered" });
  });

  it("hides the text of internal errors behind a generic message", () => {
    const error = trpcLikeError('relation "users" does not exist', { code: "INTERNAL_SERVER_ERROR" });
    expect(toFormError(error).message).not.toContain("relation");
  });

  it("reports a failed fetch as a connection problem", () => {
    expect(toFormError(new TypeError("Failed to fetch")).message).toMatch(/could not reach the server/i);
  });
});

describe("trpcErrorCode", () => {
  it("reads the code from server-side and client-side errors", () => {
    expect(trpcErrorCode(Object.assign(new Error("x"), { code: "NOT_FOUND" }))).toBe("NOT_FOUND");
    expect(trpcErrorCode(trpcLikeError("x", { code: "FORBIDDEN" }))).toBe("FORBIDDEN");
    expect(trpcErrorCode(new Error("plain"))).toBeUndefined();
    expect(trpcErrorCode(null)).toBeUndefined();
  });
});
