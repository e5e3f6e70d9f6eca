import { createTestDb, loginAttempts, type TestDatabase, users } from "@strata/db";
import type { Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthOptions, sameOriginRedirect } from "./options.js";
import { hashPassword } from "./password.js";
import { endUserSessions, SessionEndedError } from "./session.js";

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

  const options = (extra: { authUrl?: string; trustedProxies?: number } = {}) =>
    createAuthOptions({ getDatabase: async () => database, secret: "s".repeat(40), ...extra });
  type Authorize = (credentials: Record<string, string> | undefined, req: unknown) => Promise<unknown>;
  const authorize = (extra: { trustedProxies?: number } = {}) =>
    (options(extra).providers[0] as unknown as { id: string; options: { authorize: Authorize } }).options
      .authorize;

  it("offers the email + password provider with id 'credentials', JWT sessions and the sign-in page", () => {
    const o = options();
    expect(o.providers.map((p) => p.id)).toEqual(["credentials"]);
    expect(o.session?.strategy).toBe("jwt");
    expect(o.pages?.signIn).toBe("/sign-in");
  });

  it("authorizes through the database and counts failures against the proxy-reported client IP", async () => {
    // One trusted proxy: the client wrote "192.0.2.99", our proxy appended the address it saw.
    const req = { headers: { "x-forwarded-for": "192.0.2.99, 192.0.2.7" } };
    await expect(
      authorize({ trustedProxies: 1 })({ email: "GUS@example.com", password: "lantern-field-3" }, req),
    ).resolves.toEqual({ id: userId, email: "gus@example.com", name: "Gus", sessionVersion: 0 });
    await expect(
      authorize({ trustedProxies: 1 })({ email: "gus@example.com", password: "wrong-wrong-1" }, req),
    ).resolves.toBeNull();
    const keys = (await database.db.select({ key: loginAttempts.key }).from(loginAttempts)).map((r) => r.key);
    expect(keys.sort()).toEqual(["email:gus@example.com", "ip:192.0.2.7"]);
    await expect(authorize()(undefined, req)).resolves.toBeNull();
  });

  it("with no trusted proxy never keys the limit on X-Forwarded-For as the client sent it", async () => {
    await database.db.delete(loginAttempts);
    const req = { headers: { "x-forwarded-for": "192.0.2.55" } };
    await authorize()({ email: "gus@example.com", password: "wrong-wrong-1" }, req);
    const keys = (await database.db.select({ key: loginAttempts.key }).from(loginAttempts)).map((r) => r.key);
    expect(keys).not.toContain("ip:192.0.2.55");
    await database.db.delete(loginAttempts);
  });

  it("marks session cookies Secure when the app is served over https, and only then", () => {
    expect(options({ authUrl: "https://strata.example.com" }).useSecureCookies).toBe(true);
    expect(options({ authUrl: "http://localhost:3000" }).useSecureCookies).toBe(false);
  });

  it("puts the user's id, email and name into the token and the session", async () => {
    const callbacks = options().callbacks!;
    const token = (await callbacks.jwt!({
      token: {} as JWT,
      user: { id: userId, email: "gus@example.com", name: "Gus", sessionVersion: 0 } as never,
      account: null,
    } as Parameters<NonNullable<typeof callbacks.jwt>>[0])) as JWT;
    expect(token).toMatchObject({ sub: userId, email: "gus@example.com", name: "Gus" });
    const session = (await callbacks.session!({
      session: { user: {}, expires: "2099-01-01" } as Session,
      token,
    } as Parameters<NonNullable<typeof callbacks.session>>[0])) as Session;
    expect(session.user).toEqual({ id: userId, email: "gus@example.com", name: "Gus" });
  });

  it("ends a session when the user's session version changes, e.g. after a password change", async () => {
    const callbacks = options().callbacks!;
    type JwtParams = Parameters<NonNullable<typeof callbacks.jwt>>[0];
    const signedIn = (await callbacks.jwt!({
      token: {} as JWT,
      user: { id: userId, email: "gus@example.com", name: "Gus", sessionVersion: 0 } as never,
      account: null,
    } as JwtParams)) as JWT;
    // Read back on a later request: still valid.
    await expect(callbacks.jwt!({ token: signedIn } as JwtParams)).resolves.toMatchObject({ sub: userId });
    await endUserSessions(database.db, userId);
    await expect(callbacks.jwt!({ token: signedIn } as JwtParams)).rejects.toBeInstanceOf(SessionEndedError);
    // A token for a user that no longer exists has ended too.
    await expect(
      callbacks.jwt!({ token: { ...signedIn, sub: "00000000-0000-4000-8000-000000000000" } } as JwtParams),
    ).rejects.toBeInstanceOf(SessionEndedError);
  });
});

describe("sameOriginRedirect", () => {
  const base = "http://localhost:3200";
  it("keeps same-origin paths and URLs", () => {
    expect(sameOriginRedirect("/demo/segments?x=1", base)).toBe("http://localhost:3200/demo/segments?x=1");
    expect(sameOriginRedirect("http://localhost:3200/invite/abc", base)).toBe(
      "http://localhost:3200/invite/abc",
    );
  });

  it("refuses other origins, // tricks, backslashes and control characters", () => {
    for (const url of [
      "https://evil.example/",
      "//evil.example/",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "\\\\evil.example",
      "http://localhost:3201/",
      "javascript:alert(1)",
    ]) {
      expect(sameOriginRedirect(url, base), url).toBe(base);
    }
  });
});
