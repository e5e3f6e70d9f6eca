import { testDrivers, users } from "@strata/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});
