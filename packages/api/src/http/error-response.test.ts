import { TRPCError } from "@trpc/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { AppError, type AppErrorCode } from "../errors.js";
import { type ErrorBody, toErrorResponse } from "./error-response.js";

async function read(response: Response) {
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

describe("toErrorResponse", () => {
  afterEach(() => vi.restoreAllMocks());

  it.each<[AppErrorCode, number]>([
    ["BAD_REQUEST", 400],
    ["UNAUTHORIZED", 401],
    ["FORBIDDEN", 403],
    ["NOT_FOUND", 404],
    ["CONFLICT", 409],
    ["PRECONDITION_FAILED", 409],
    ["PAYLOAD_TOO_LARGE", 413],
    ["UNPROCESSABLE_CONTENT", 422],
    ["TOO_MANY_REQUESTS", 429],
  ])("answers an AppError %s with %i and the contract's body", async (code, status) => {
    const response = toErrorResponse(new AppError(code, "Readable words."));
    expect(await read(response)).toEqual({
      status,
      body: { error: { code, message: "Readable words.", details: [] } },
    });
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
  });

  it("names the field an AppError is about in details", async () => {
    const { body } = await read(toErrorResponse(new AppError("PAYLOAD_TOO_LARGE", "Too big.", "file")));
    expect(body.error.details).toEqual([{ field: "file", message: "Too big." }]);
  });

  it("reads an AppError through the TRPCError a server-side caller wraps it in", async () => {
    const cause = new AppError("NOT_FOUND", "Import not found");
    const wrapped = new TRPCError({ code: "NOT_FOUND", message: cause.message, cause });
    expect(await read(toErrorResponse(wrapped))).toEqual({
      status: 404,
      body: { error: { code: "NOT_FOUND", message: "Import not found", details: [] } },
    });
  });

  it("answers invalid input with 400 and one detail per field message", async () => {
    const parsed = z
      .object({ email: z.email("Enter a valid email"), name: z.string().min(1, "Enter a name") })
      .safeParse({ email: "nope", name: "" });
    const input = new TRPCError({ code: "BAD_REQUEST", cause: parsed.error });
    expect(await read(toErrorResponse(input))).toEqual({
      status: 400,
      body: {
        error: {
          code: "BAD_REQUEST",
          message: "email: Enter a valid email",
          details: [
            { field: "email", message: "Enter a valid email" },
            { field: "name", message: "Enter a name" },
          ],
        },
      },
    });
  });

  it("hides an unexpected error's text (it may hold SQL) behind a 500 and logs it instead", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const leaky = new Error('duplicate key value violates "users_email_key": select * from users');
    const response = toErrorResponse(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: leaky }));
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: {
        code: "INTERNAL_SERVER_ERROR",
        message: "Something went wrong on our side. Please try again.",
        details: [],
      },
    });
    expect(text).not.toMatch(/select|users_email_key|at .*\.[jt]s/);
    expect(log).toHaveBeenCalledOnce();
  });

  it("treats a validation error inside an INTERNAL_SERVER_ERROR (a bad output) as ours, not the caller's", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const parsed = z.object({ id: z.uuid() }).safeParse({ id: "x" });
    const output = new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: parsed.error });
    const { status, body } = await read(toErrorResponse(output));
    expect(status).toBe(500);
    expect(body.error.details).toEqual([]);
  });
});
