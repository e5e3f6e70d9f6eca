import { createTestDb, type TestDatabase, users } from "@strata/db";
import NextAuth from "next-auth";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuthOptions } from "./options.js";
import { hashPassword } from "./password.js";
import { endUserSessions } from "./session.js";

/** GET /api/auth/session through next-auth's own handler, as the browser would ask it. */
async function readSession(options: ReturnType<typeof createAuthOptions>, cookie: string) {
  let body: unknown;
  const setCookies: string[] = [];
  const res = {
    status: () => res,
    setHeader(name: string, value: string | string[]) {
      if (name.toLowerCase() === "set-cookie") setCookies.push(...(Array.isArray(value) ? value : [value]));
      return res;
    },
    getHeader: () => undefined,
    send(value: unknown) {
      body = value;
    },
    json(value: unknown) {
      body = value;
    },
    end() {},
  };
  const req = {
    method: "GET",
    query: { nextauth: ["session"] },
    cookies: { "next-auth.session-token": cookie },
    headers: { host: "localhost:3000" },
    body: undefined,
  };
  await (NextAuth as unknown as (req: unknown, res: unknown, options: unknown) => Promise<void>)(
    req,
    res,
    options,
  );
  return { body, setCookies };
}

describe("session versions through next-auth's session route", () => {
  let database: TestDatabase;
  let userId: string;
  const secret = "s".repeat(40);
  beforeAll(async () => {
    vi.stubEnv("NEXTAUTH_URL", "http://localhost:3000");
    database = await createTestDb("pglite");
    const [user] = await database.db
      .insert(users)
      .values({ email: "ida@example.com", name: "Ida", passwordHash: await hashPassword("copper-lake-51") })
      .returning();
    userId = user!.id;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await database?.cleanup();
  });

  it("answers no session and clears the cookie once the user's sessions have been ended", async () => {
    const options = createAuthOptions({ getDatabase: async () => database, secret });
    const cookie = await encode({
      secret,
      token: { sub: userId, email: "ida@example.com", name: "Ida", sessionVersion: 0 },
    });
    const before = await readSession(options, cookie);
    expect(before.body).toMatchObject({ user: { id: userId, email: "ida@example.com" } });

    await endUserSessions(database.db, userId);

    const after = await readSession(options, cookie);
    expect(after.body).toEqual({});
    expect(after.setCookies.join("\n")).toMatch(
      /next-auth\.session-token=;.*Max-Age=0|next-auth\.session-token=;.*Expires=Thu, 01 Jan 1970/,
    );
  });
});
