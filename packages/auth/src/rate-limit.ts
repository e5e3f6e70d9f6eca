import { type Database, loginAttempts } from "@strata/db";
import { and, count, gt, inArray, lt, min } from "drizzle-orm";

/** Failed sign-ins allowed per key inside the window before further attempts are refused. */
export const LOGIN_LIMITS = { perEmail: 5, perIp: 20, windowMs: 15 * 60_000 } as const;

export class TooManyAttemptsError extends Error {
  override readonly name = "TooManyAttemptsError";
  constructor(readonly retryAfterMinutes: number) {
    super(
      `Too many attempts, try again in ${retryAfterMinutes} minute${retryAfterMinutes === 1 ? "" : "s"}.`,
    );
  }
}

export interface LoginKeys {
  email: string;
  ip?: string | undefined;
}

function keysOf({ email, ip }: LoginKeys): { key: string; limit: number }[] {
  const keys: { key: string; limit: number }[] = [{ key: `email:${email}`, limit: LOGIN_LIMITS.perEmail }];
  if (ip) keys.push({ key: `ip:${ip}`, limit: LOGIN_LIMITS.perIp });
  return keys;
}

/** Throws TooManyAttemptsError when the email or the IP has used up its failures in the window. */
export async function assertLoginAllowed(database: Database, who: LoginKeys, now: Date): Promise<void> {
  const keys = keysOf(who);
  const since = new Date(now.getTime() - LOGIN_LIMITS.windowMs);
  const counts = await database.db
    .select({ key: loginAttempts.key, failures: count(), oldest: min(loginAttempts.attemptedAt) })
    .from(loginAttempts)
    .where(
      and(
        inArray(
          loginAttempts.key,
          keys.map((k) => k.key),
        ),
        gt(loginAttempts.attemptedAt, since),
      ),
    )
    .groupBy(loginAttempts.key);
  let waitMs = 0;
  for (const { key, limit } of keys) {
    const row = counts.find((c) => c.key === key);
    if (row && row.failures >= limit && row.oldest) {
      // Attempts are not recorded while blocked, so the oldest failure leaving the window unblocks.
      waitMs = Math.max(waitMs, row.oldest.getTime() + LOGIN_LIMITS.windowMs - now.getTime());
    }
  }
  if (waitMs > 0) throw new TooManyAttemptsError(Math.max(1, Math.ceil(waitMs / 60_000)));
}

export async function recordLoginFailure(database: Database, who: LoginKeys, now: Date): Promise<void> {
  const keys = keysOf(who).map((k) => k.key);
  const cutoff = new Date(now.getTime() - LOGIN_LIMITS.windowMs);
  await database.db.transaction(async (tx) => {
    await tx
      .delete(loginAttempts)
      .where(and(inArray(loginAttempts.key, keys), lt(loginAttempts.attemptedAt, cutoff)));
    await tx.insert(loginAttempts).values(keys.map((key) => ({ key, attemptedAt: now })));
  });
}

/** A successful sign-in forgives the email's failures (not the IP's: one IP may try many emails). */
export async function clearLoginFailures(database: Database, who: LoginKeys): Promise<void> {
  await database.db.delete(loginAttempts).where(inArray(loginAttempts.key, [`email:${who.email}`]));
}
