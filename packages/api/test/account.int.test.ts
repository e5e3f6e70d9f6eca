import { authorizeCredentials, createAuthOptions, SessionEndedError } from "@strata/auth";
import { testDrivers, users } from "@strata/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../src/errors.js";
import { createCaller } from "../src/root.js";
import { changePassword } from "../src/services/account/change-password.js";
import { createContext } from "../src/trpc.js";
import { expectTRPCError, fieldOf, openHarness, PASSWORD } from "./harness.js";

describe.each(testDrivers())("accounts on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(() => h?.cleanup());

  it("signs up with a lowercased email and hides the password", async () => {
    const email = `${h.unique("Mixed")}@Example.COM`;
    const account = await h.anonymous.account.signUp({ email, password: PASSWORD, name: "  Mia  " });
    expect(account).toEqual({ id: expect.any(String), email: email.toLowerCase() });
    const [row] = await h.database.db.select().from(users).where(eq(users.id, account.id));
    expect(row).toMatchObject({ email: email.toLowerCase(), name: "Mia" });
    expect(row?.passwordHash).not.toContain(PASSWORD);
    await expect(h.callerFor(account.id).account.me()).resolves.toEqual({
      id: account.id,
      email: email.toLowerCase(),
      name: "Mia",
    });
  });

  it("refuses a duplicate email, in any case, as CONFLICT on the email field, creating nothing", async () => {
    const { email } = await h.newUser("dup");
    const error = await expectTRPCError(
      h.anonymous.account.signUp({ email: email.toUpperCase(), password: PASSWORD, name: "Again" }),
      "CONFLICT",
      /already exists/,
    );
    expect(fieldOf(error)).toBe("email");
    const rows = await h.database.db.select().from(users).where(eq(users.email, email));
    expect(rows).toHaveLength(1);
  });

  it("refuses a weak password as BAD_REQUEST on the password field naming the rule, creating nothing", async () => {
    const email = `${h.unique("weak")}@example.com`;
    const short = await expectTRPCError(
      h.anonymous.account.signUp({ email, password: "short1", name: "W" }),
      "BAD_REQUEST",
      /at least 10 characters/,
    );
    expect(fieldOf(short)).toBe("password");
    await expectTRPCError(
      h.anonymous.account.signUp({ email, password: "onlylowercaseletters", name: "W" }),
      "BAD_REQUEST",
      /two kinds/,
    );
    await expectTRPCError(
      h.anonymous.account.signUp({ email, password: email, name: "W" }),
      "BAD_REQUEST",
      /email/,
    );
    expect(await h.database.db.select().from(users).where(eq(users.email, email))).toEqual([]);
  });

  it("refuses an invalid email address before anything else", async () => {
    await expectTRPCError(
      h.anonymous.account.signUp({ email: "not-an-email", password: PASSWORD, name: "X" }),
      "BAD_REQUEST",
    );
  });

  it("answers UNAUTHORIZED to signed-out callers and to sessions of deleted users", async () => {
    await expectTRPCError(h.anonymous.account.me(), "UNAUTHORIZED");
    await expectTRPCError(h.anonymous.tenant.list(), "UNAUTHORIZED");
    await expectTRPCError(h.callerFor("00000000-0000-4000-8000-000000000000").account.me(), "UNAUTHORIZED");
  });

  it("reports health with the driver in use", async () => {
    await expect(h.anonymous.health.get()).resolves.toEqual({
      status: "ok",
      database: driver,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
  });

  it("a password change ends the sessions signed in before it, and only the new password signs in", async () => {
    const { id, email } = await h.newUser("changer");
    const options = createAuthOptions({ getDatabase: async () => h.database, secret: "s".repeat(40) });
    type JwtParams = Parameters<NonNullable<NonNullable<typeof options.callbacks>["jwt"]>>[0];
    type JWT = JwtParams["token"];
    const jwt = (params: Partial<JwtParams>) => options.callbacks!.jwt!(params as JwtParams);
    // A session as next-auth makes it at sign-in, read back on a later request.
    const user = await authorizeCredentials(h.database, { email, password: PASSWORD });
    const token = (await jwt({ token: {} as JWT, user: user as never, account: null })) as JWT;
    await expect(jwt({ token })).resolves.toMatchObject({ sub: id });

    const newPassword = "juniper-canyon-88";
    await changePassword(h.database, { userId: id, currentPassword: PASSWORD, newPassword });

    await expect(jwt({ token })).rejects.toBeInstanceOf(SessionEndedError);
    await expect(authorizeCredentials(h.database, { email, password: PASSWORD })).resolves.toBeNull();
    const fresh = await authorizeCredentials(h.database, { email, password: newPassword });
    expect(fresh).toMatchObject({ id, sessionVersion: 1 });
    const freshToken = (await jwt({ token: {} as JWT, user: fresh as never, account: null })) as JWT;
    await expect(jwt({ token: freshToken })).resolves.toMatchObject({ sub: id });
  });

  it("ends a session read from its cookie (the web's tRPC and upload routes) once the password changes", async () => {
    const { id, email } = await h.newUser("cookie");
    const { sessionVersion } = (await authorizeCredentials(h.database, { email, password: PASSWORD }))!;
    const withCookie = (version: number) =>
      createCaller(createContext({ database: h.database, userId: id, sessionVersion: version }));
    await expect(withCookie(sessionVersion).account.me()).resolves.toMatchObject({ id, email });
    await changePassword(h.database, {
      userId: id,
      currentPassword: PASSWORD,
      newPassword: "juniper-canyon-88",
    });
    await expectTRPCError(withCookie(sessionVersion).account.me(), "UNAUTHORIZED", /session has ended/);
    await expectTRPCError(
      withCookie(sessionVersion).tenant.get({ workspace: "any" }),
      "UNAUTHORIZED",
      /session has ended/,
    );
    await expect(withCookie(sessionVersion + 1).account.me()).resolves.toMatchObject({ id });
  });

  it("refuses a password change with a wrong current password or a weak new one, changing nothing", async () => {
    const { id, email } = await h.newUser("keeper");
    const attempt = (currentPassword: string, newPassword: string) =>
      changePassword(h.database, { userId: id, currentPassword, newPassword }).then(
        () => undefined,
        (error: unknown) => error as AppError,
      );
    const wrong = await attempt("not-my-password-1", "juniper-canyon-88");
    expect(wrong).toBeInstanceOf(AppError);
    expect({ code: wrong?.code, field: wrong?.field }).toEqual({
      code: "BAD_REQUEST",
      field: "currentPassword",
    });
    const weak = await attempt(PASSWORD, "short1");
    expect({ code: weak?.code, field: weak?.field }).toEqual({ code: "BAD_REQUEST", field: "newPassword" });
    await expect(authorizeCredentials(h.database, { email, password: PASSWORD })).resolves.toMatchObject({
      id,
      sessionVersion: 0,
    });
  });

  it("changes the password through account.changePassword, naming the field of a wrong current password", async () => {
    const { email, caller } = await h.newUser("changer");
    const error = await expectTRPCError(
      caller.account.changePassword({
        currentPassword: "wrong-password-11",
        newPassword: "juniper-canyon-88",
      }),
      "BAD_REQUEST",
      "That is not your current password.",
    );
    expect(fieldOf(error)).toBe("currentPassword");
    await expect(
      caller.account.changePassword({ currentPassword: PASSWORD, newPassword: "juniper-canyon-88" }),
    ).resolves.toEqual({ ok: true });
    await expect(
      authorizeCredentials(h.database, { email, password: "juniper-canyon-88" }),
    ).resolves.not.toBeNull();
  });
});
