import { createTestDb, loginAttempts, type TestDatabase, testDrivers, users } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeCredentials } from "./authorize.js";
import { hashPassword } from "./password.js";
import { emailDelayMs, LOGIN_LIMITS, TooManyAttemptsError } from "./rate-limit.js";

describe.each(testDrivers())("authorizeCredentials on %s", (driver) => {
  let database: TestDatabase;
  const password = "tangerine-sky-7";
  const T0 = new Date("2026-03-01T10:00:00Z");
  const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
  const emails = ["ann", "bob", "cy", "dee", "eve", "fay"].map((n) => `${n}@example.com`);

  beforeAll(async () => {
    database = await createTestDb(driver);
    const passwordHash = await hashPassword(password);
    await database.db.insert(users).values(emails.map((email) => ({ email, name: email, passwordHash })));
  });
  afterAll(() => database?.cleanup());

  const tryWrong = (email: string, seconds: number, ip?: string) =>
    authorizeCredentials(database, { email, password: "wrong-pass-1", ip }, { now: at(seconds) });
  const tryRight = (email: string, seconds: number, ip?: string) =>
    authorizeCredentials(database, { email, password, ip }, { now: at(seconds) });

  it("returns the user and its session version for the right password, whatever the email's case", async () => {
    const user = await authorizeCredentials(database, {
      email: " Ann@Example.COM ",
      password,
      ip: "10.0.0.1",
    });
    expect(user).toMatchObject({ email: "ann@example.com", name: "ann@example.com", sessionVersion: 0 });
    expect(user?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives the same null for a wrong password and for an unknown email", async () => {
    const wrong = await authorizeCredentials(database, { email: "ann@example.com", password: "nope-nope-1" });
    const unknown = await authorizeCredentials(database, { email: "nobody@example.com", password });
    expect(wrong).toBeNull();
    expect(unknown).toBeNull();
  });

  it("waits longer after each failure beyond the first five, doubling from 1 s up to a minute", () => {
    expect([0, 4].map(emailDelayMs)).toEqual([0, 0]);
    expect([5, 6, 7, 10, 11, 50].map(emailDelayMs)).toEqual([1000, 2000, 4000, 32_000, 60_000, 60_000]);
  });

  it("slows an email down after 5 failures instead of locking its owner out with the right password", async () => {
    const email = "bob@example.com";
    for (let i = 0; i < LOGIN_LIMITS.emailFreeFailures; i++)
      await expect(tryWrong(email, i)).resolves.toBeNull();
    // Failure 5 came at second 4: the next attempt must wait 1 s, right password or not.
    await expect(tryRight(email, 4.5)).rejects.toThrow(TooManyAttemptsError);
    await expect(tryWrong(email, 5.5)).resolves.toBeNull(); // 6 failures: 2 s
    await expect(tryWrong(email, 6.5)).rejects.toThrow("Too many attempts, try again in 1 second.");
    await expect(tryWrong(email, 7.5)).resolves.toBeNull(); // 7 failures: 4 s
    await expect(tryRight(email, 9)).rejects.toThrow("try again in 3 seconds");
    // The refused attempts were not counted, so the owner gets in once the wait has passed: long
    // before the 15-minute window that used to lock the account.
    await expect(tryRight(email, 11.5)).resolves.toMatchObject({ email });
  });

  it("never makes the owner wait more than a minute after a long run of failures", async () => {
    const email = "cy@example.com";
    let t = 0;
    for (let i = 0; i < 20; i++) {
      t += 61; // a patient guesser, one guess a minute
      await expect(tryWrong(email, t)).resolves.toBeNull();
    }
    await expect(tryRight(email, t + 30)).rejects.toThrow("try again in 30 seconds");
    await expect(tryRight(email, t + 60)).resolves.toMatchObject({ email });
  });

  it("a successful sign-in clears the email's earlier failures", async () => {
    const email = "dee@example.com";
    for (let i = 0; i < LOGIN_LIMITS.emailFreeFailures - 1; i++) await tryWrong(email, i);
    await expect(tryRight(email, 5)).resolves.not.toBeNull();
    for (let i = 0; i < LOGIN_LIMITS.emailFreeFailures - 1; i++) await tryWrong(email, 6);
    await expect(tryRight(email, 6)).resolves.not.toBeNull();
  });

  it("reserves each attempt before checking the password: 20 parallel guesses get 5 checks, not 20", async () => {
    const email = "eve@example.com";
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => tryWrong(email, 1000, "198.51.100.77")),
    );
    const checked = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(checked).toHaveLength(LOGIN_LIMITS.emailFreeFailures);
    expect(refused).toHaveLength(20 - LOGIN_LIMITS.emailFreeFailures);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(TooManyAttemptsError);
    const rows = await database.db.select().from(loginAttempts);
    expect(rows.filter((r) => r.key === `email:${email}`)).toHaveLength(LOGIN_LIMITS.emailFreeFailures);
  });

  it("blocks an IP after 20 failures across many emails, without blocking other IPs", async () => {
    const ip = "203.0.113.9";
    for (let i = 0; i < LOGIN_LIMITS.perIp; i++) {
      await authorizeCredentials(
        database,
        { email: `guess${i}@example.com`, password: "wrong-pass-1", ip },
        { now: at(6000) },
      );
    }
    await expect(tryRight("fay@example.com", 6060, ip)).rejects.toThrow(
      /Too many attempts, try again in 14 minutes/,
    );
    await expect(tryRight("fay@example.com", 6060, "198.51.100.1")).resolves.not.toBeNull();
  });
});
