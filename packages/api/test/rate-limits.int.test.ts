import { RATE_LIMITS } from "@strata/auth";
import { testDrivers } from "@strata/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorBody } from "../src/http/error-response.js";
import { handleRejectedReport } from "../src/http/index.js";
import { createCaller } from "../src/root.js";
import { createContext } from "../src/trpc.js";
import { expectTRPCError, openHarness, PASSWORD } from "./harness.js";

const MISSING_ID = "00000000-0000-4000-8000-000000000000";

// Sign-up, invitation links and the REST routes are throttled with sign-in's limiter (one table,
// @strata/auth), keyed by the client address the request context carries (STRATA_TRUSTED_PROXIES).
describe.each(testDrivers())("rate limits on %s", (driver) => {
  let h: Awaited<ReturnType<typeof openHarness>>;
  let address = 0;
  /** A client address no other test uses. */
  const newIp = () => `203.0.113.${++address}`;
  const callerAt = (ip: string, userId: string | null = null) =>
    createCaller(createContext({ database: h.database, userId, ip }));

  beforeAll(async () => {
    h = await openHarness(driver);
  });
  afterAll(() => h?.cleanup());

  it("refuses sign-ups from one address past the limit with TOO_MANY_REQUESTS, and creates no user", async () => {
    const ip = newIp();
    const signUp = (caller: ReturnType<typeof callerAt>) =>
      caller.account.signUp({ email: `${h.unique("su")}@example.com`, password: PASSWORD, name: "Sam" });
    for (let i = 0; i < RATE_LIMITS.signUp.limit; i++) await signUp(callerAt(ip));
    const users = async () =>
      (await h.database.query<{ n: number }>("select count(*)::int as n from users")).rows[0]?.n;
    const before = await users();
    await expectTRPCError(
      signUp(callerAt(ip)),
      "TOO_MANY_REQUESTS",
      /^Too many attempts, try again in \d+ minutes?\.$/,
    );
    expect(await users()).toBe(before);
    // Another address is not affected.
    await expect(signUp(callerAt(newIp()))).resolves.toMatchObject({ id: expect.any(String) });
  });

  it("refuses invitation look-ups by token after too many misses from one address, found links do not count", async () => {
    const { owner, workspace } = await h.newWorkspace("inv");
    const { token } = await owner.caller.invitation.create({ workspace, role: "viewer" });

    const honest = callerAt(newIp());
    for (let i = 0; i < RATE_LIMITS.invitationLookup.limit + 5; i++) {
      await expect(honest.invitation.get({ token })).resolves.toMatchObject({ role: "viewer" });
    }

    const ip = newIp();
    const guesser = callerAt(ip);
    for (let i = 0; i < RATE_LIMITS.invitationLookup.limit; i++) {
      await expectTRPCError(guesser.invitation.get({ token: `guess-${i}` }), "NOT_FOUND");
    }
    await expectTRPCError(guesser.invitation.get({ token }), "TOO_MANY_REQUESTS", /Too many attempts/);
    const user = await h.newUser("acceptor");
    await expectTRPCError(callerAt(ip, user.id).invitation.accept({ token }), "TOO_MANY_REQUESTS");
    expect(await owner.caller.member.list({ workspace })).toHaveLength(1);
  });

  it("answers a REST caller past its limit with 429, Retry-After and a readable message; other callers go on", async () => {
    const { owner, workspace } = await h.newWorkspace("rest");
    const member = await h.addMember(owner.caller, workspace, "viewer");
    const report = (userId: string | null, ip?: string) =>
      handleRejectedReport(
        new Request(`http://localhost/api/workspaces/${workspace}/imports/${MISSING_ID}/rejected`),
        createContext({ database: h.database, userId, ip }),
        { workspace, id: MISSING_ID },
      );
    for (let i = 0; i < RATE_LIMITS.restCaller.limit; i++) {
      expect((await report(owner.id)).status).toBe(404);
    }
    const limited = await report(owner.id);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(
      RATE_LIMITS.restCaller.windowMs / 1000,
    );
    const { error } = (await limited.json()) as ErrorBody;
    expect(error.code).toBe("TOO_MANY_REQUESTS");
    expect(error.message).toMatch(/^Too many attempts, try again in \d+ (seconds?|minutes?)\.$/);

    expect((await report(member.id)).status).toBe(404);

    // Signed out, the address is the caller.
    const ip = newIp();
    for (let i = 0; i < RATE_LIMITS.restCaller.limit; i++) expect((await report(null, ip)).status).toBe(401);
    expect((await report(null, ip)).status).toBe(429);
    expect((await report(null, newIp())).status).toBe(401);
  });

  it("counts a workspace's REST requests from all of its members together", async () => {
    const { owner, workspace } = await h.newWorkspace("busy");
    // The workspace's budget as if its members had used it up (filling it through 600 requests is slow).
    await h.database.query(
      "insert into login_attempts (key, attempted_at) select $1, now() from generate_series(1, $2)",
      [`rest:workspace:${workspace}`, RATE_LIMITS.restWorkspace.limit],
    );
    const response = await handleRejectedReport(
      new Request(`http://localhost/api/workspaces/${workspace}/imports/${MISSING_ID}/rejected`),
      createContext({ database: h.database, userId: owner.id }),
      { workspace, id: MISSING_ID },
    );
    expect(response.status).toBe(429);
  });
});
