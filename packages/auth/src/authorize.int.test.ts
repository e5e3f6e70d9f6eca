import { createTestDb, type TestDatabase, users } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeCredentials } from "./authorize.js";
import { hashPassword } from "./password.js";
import { LOGIN_LIMITS, TooManyAttemptsError } from "./rate-limit.js";

describe("authorizeCredentials on an embedded database", () => {
  let database: TestDatabase;
  const password = "tangerine-sky-7";
  const T0 = new Date("2026-03-01T10:00:00Z");
  const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

  beforeAll(async () => {
    database = await createTestDb("pglite");
    const passwordHash = await hashPassword(password);
    await database.db.insert(users).values([
      { email: "ann@example.com", name: "Ann", passwordHash },
      { email: "bob@example.com", name: "Bob", passwordHash },
      { email: "cy@example.com", name: "Cy", passwordHash },
    ]);
  });
  afterAll(() => database?.cleanup());

  it("returns the user for the right password, whatever the email's case", async () => {
    const user = await authorizeCredentials(database, {
      email: " Ann@Example.COM ",
      password,
      ip: "10.0.0.1",
    });
    expect(user).toMatchObject({ email: "ann@example.com", name: "Ann" });
    expect(user?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives the same null for a wrong password and for an unknown email", async () => {
    const wrong = await authorizeCredentials(database, { email: "ann@example.com", password: "nope-nope-1" });
    const unknown = await authorizeCredentials(database, { email: "nobody@example.com", password });
    expect(wrong).toBeNull();
    expect(unknown).toBeNull();
  });

  it("blocks an email after 5 failures in 15 minutes, even with the right password, until the window passes", async () => {
    const email = "bob@example.com";
    for (let i = 0; i < LOGIN_LIMITS.perEmail; i++) {
      await expect(
        authorizeCredentials(database, { email, password: "wrong-pass-1" }, { now: at(i) }),
      ).resolves.toBeNull();
    }
    const blocked = authorizeCredentials(database, { email, password }, { now: at(5) });
    await expect(blocked).rejects.toThrow(TooManyAttemptsError);
    await expect(authorizeCredentials(database, { email, password }, { now: at(5) })).rejects.toThrow(
      "Too many attempts, try again in 10 minutes.",
    );
    // The first failure (at minute 0) leaves the window at minute 15.
    await expect(
      authorizeCredentials(database, { email, password }, { now: at(15.5) }),
    ).resolves.toMatchObject({
      email,
    });
  });

  it("a successful sign-in clears the email's earlier failures", async () => {
    const email = "cy@example.com";
    for (let i = 0; i < LOGIN_LIMITS.perEmail - 1; i++) {
      await authorizeCredentials(database, { email, password: "wrong-pass-1" }, { now: at(i) });
    }
    await expect(authorizeCredentials(database, { email, password }, { now: at(5) })).resolves.not.toBeNull();
    for (let i = 0; i < LOGIN_LIMITS.perEmail - 1; i++) {
      await authorizeCredentials(database, { email, password: "wrong-pass-1" }, { now: at(6) });
    }
    await expect(authorizeCredentials(database, { email, password }, { now: at(7) })).resolves.not.toBeNull();
  });

  it("blocks an IP after 20 failures across many emails, without blocking other IPs", async () => {
    const ip = "203.0.113.9";
    for (let i = 0; i < LOGIN_LIMITS.perIp; i++) {
      await authorizeCredentials(
        database,
        { email: `guess${i}@example.com`, password: "wrong-pass-1", ip },
        { now: at(100) },
      );
    }
    await expect(
      authorizeCredentials(database, { email: "ann@example.com", password, ip }, { now: at(101) }),
    ).rejects.toThrow(/Too many attempts, try again in 14 minutes/);
    await expect(
      authorizeCredentials(
        database,
        { email: "ann@example.com", password, ip: "198.51.100.1" },
        { now: at(101) },
      ),
    ).resolves.not.toBeNull();
  });
});
