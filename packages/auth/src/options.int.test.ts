import { createTestDb, loginAttempts, type TestDatabase, users } from "@strata/db";
import type { Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientIp, createAuthOptions } from "./options.js";
import { hashPassword } from "./password.js";

describe("next-auth options", () => {
  let database: TestDatabase;
  let userId: string;
  beforeAll(async () => {
    database = await createTestDb("pglite");
    const [user] = await database.db
      .insert(users)
      .values({ email: "gus@example.com", name: "Gus", passwordHash: await hashPassword("lantern-field-3") })
      .returning();
    userId = user!.id;
  });
  afterAll(() => database?.cleanup());

  const options = () => createAuthOptions({ getDatabase: async () => database, secret: "s".repeat(40) });
  type Authorize = (credentials: Record<string, string> | undefined, req: unknown) => Promise<unknown>;
  const authorize = () =>
    (options().providers[0] as unknown as { id: string; options: { authorize: Authorize } }).options
      .authorize;

  it("offers the email + password provider with id 'credentials', JWT sessions and the sign-in page", () => {
    const o = options();
    expect(o.providers.map((p) => p.id)).toEqual(["credentials"]);
    expect(o.session?.strategy).toBe("jwt");
    expect(o.pages?.signIn).toBe("/sign-in");
  });

  it("authorizes through the database and counts failures against the forwarded client IP", async () => {
    const req = { headers: { "x-forwarded-for": "192.0.2.7, 10.0.0.1" } };
    await expect(
      authorize()({ email: "GUS@example.com", password: "lantern-field-3" }, req),
    ).resolves.toEqual({
      id: userId,
      email: "gus@example.com",
      name: "Gus",
    });
    await expect(
      authorize()({ email: "gus@example.com", password: "wrong-wrong-1" }, req),
    ).resolves.toBeNull();
    const keys = (await database.db.select({ key: loginAttempts.key }).from(loginAttempts)).map((r) => r.key);
    expect(keys.sort()).toEqual(["email:gus@example.com", "ip:192.0.2.7"]);
    await expect(authorize()(undefined, req)).resolves.toBeNull();
  });

  it("puts the user's id, email and name into the token and the session", async () => {
    const callbacks = options().callbacks!;
    const token = (await callbacks.jwt!({
      token: {} as JWT,
      user: { id: userId, email: "gus@example.com", name: "Gus" },
      account: null,
    } as Parameters<NonNullable<typeof callbacks.jwt>>[0])) as JWT;
    expect(token).toMatchObject({ sub: userId, email: "gus@example.com", name: "Gus" });
    const session = (await callbacks.session!({
      session: { user: {}, expires: "2099-01-01" } as Session,
      token,
    } as Parameters<NonNullable<typeof callbacks.session>>[0])) as Session;
    expect(session.user).toEqual({ id: userId, email: "gus@example.com", name: "Gus" });
  });

  it("reads the client IP from x-forwarded-for, then x-real-ip, from plain objects and Headers", () => {
    expect(clientIp({ "x-forwarded-for": " 203.0.113.5 , 10.0.0.2" })).toBe("203.0.113.5");
    expect(clientIp(new Headers({ "x-real-ip": "203.0.113.6" }))).toBe("203.0.113.6");
    expect(clientIp({})).toBeUndefined();
    expect(clientIp(undefined)).toBeUndefined();
  });
});
