import { createDatabase, testDrivers } from "@strata/db";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appRouter } from "../src/root.js";
import { createContext } from "../src/trpc.js";
import { openHarness, PASSWORD } from "./harness.js";

// What a browser sees: errors over HTTP as {message, code, data: {code, httpStatus, fieldErrors}},
// never a stack trace and never the text of an unexpected error.
describe.each(testDrivers())("errors over HTTP on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(() => h?.cleanup());

  async function call(
    path: string,
    input: unknown,
    userId: string | null = null,
    kind: "query" | "mutation" = "mutation",
  ) {
    const url = new URL(`http://localhost/api/trpc/${path}`);
    const body = JSON.stringify(superjson.serialize(input));
    if (kind === "query") url.searchParams.set("input", body);
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(
        url,
        kind === "query" ? {} : { method: "POST", body, headers: { "content-type": "application/json" } },
      ),
      router: appRouter,
      createContext: () => createContext({ database: h.database, userId }),
    });
    const json = (await response.json()) as { error?: { json: Record<string, unknown> }; result?: unknown };
    return { status: response.status, error: json.error?.json, text: JSON.stringify(json) };
  }

  it("a validation error names the field and carries no stack", async () => {
    const { status, error, text } = await call("account.signUp", {
      email: "nope",
      password: PASSWORD,
      name: "",
    });
    expect(status).toBe(400);
    expect(error).toMatchObject({
      message: "email: Enter a valid email address",
      data: {
        code: "BAD_REQUEST",
        httpStatus: 400,
        fieldErrors: { email: ["Enter a valid email address"], name: ["Enter your name"] },
      },
    });
    expect(text).not.toMatch(/stack|at .*\.js/);
  });

  it("an AppError keeps its code, status, message and field", async () => {
    const { email } = await h.newUser("http");
    const { status, error } = await call("account.signUp", { email, password: PASSWORD, name: "Again" });
    expect(status).toBe(409);
    expect(error).toMatchObject({
      message: "An account with this email already exists. Sign in instead.",
      data: {
        code: "CONFLICT",
        fieldErrors: { email: ["An account with this email already exists. Sign in instead."] },
      },
    });
  });

  it("role and membership refusals arrive as 403 and 404 with readable messages", async () => {
    const { owner, workspace } = await h.newWorkspace("http");
    const viewer = await h.addMember(owner.caller, workspace, "viewer");
    const forbidden = await call("invitation.create", { workspace, role: "viewer" }, viewer.id);
    expect(forbidden.status).toBe(403);
    expect(forbidden.error).toMatchObject({
      message: "This needs the admin role or higher; you are viewer.",
    });
    const outsider = await h.newUser("out");
    const notFound = await call("tenant.get", { workspace }, outsider.id, "query");
    expect(notFound.status).toBe(404);
    expect(notFound.error).toMatchObject({ message: "Workspace not found", data: { fieldErrors: {} } });
    const signedOut = await call("tenant.list", undefined, null, "query");
    expect(signedOut.status).toBe(401);
  });

  it("an unexpected failure (here: the database is gone) hides its text behind a generic message", async () => {
    // Nothing listens on port 1: a real connection failure, whatever the suite's driver.
    const gone = await createDatabase({ url: "postgres://postgres@127.0.0.1:1/gone" });
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const url = new URL("http://localhost/api/trpc/health.get");
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(url),
      router: appRouter,
      createContext: () => createContext({ database: gone, userId: null }),
      onError: () => undefined,
    });
    const json = (await response.json()) as { error: { json: { message: string; data: { code: string } } } };
    expect(response.status).toBe(500);
    expect(json.error.json).toMatchObject({
      message: "Something went wrong on our side. Please try again.",
      data: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(JSON.stringify(json)).not.toMatch(/stack|select 1|ECONNREFUSED|127\.0\.0\.1/i);
    // The detail is kept for the server log.
    expect(String(log.mock.calls[0]?.[1])).toMatch(/ECONNREFUSED/);
    log.mockRestore();
    await gone.close();
  });
});
