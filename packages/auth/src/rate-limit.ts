import { type Database, loginAttempts } from "@strata/db";
import { and, count, eq, inArray, lt, max, min, sql } from "drizzle-orm";

/**
 * Sign-in throttling. Every attempt is recorded (reserved) before its password is checked and the
 * reservation is dropped again when the password was right, so the rows left are failures plus
 * checks still running: parallel guesses are counted, they cannot all slip past one count.
 *
 * - Per email: the first `emailFreeFailures` failures in the window cost nothing; after that every
 *   attempt must come `emailBaseDelayMs * 2^(failures - free)` after the email's latest attempt,
 *   at most `emailMaxDelayMs`. Someone guessing is slowed to one guess per minute, and the owner,
 *   who has the right password, waits at most that minute (a lock-out would let anyone who knows
 *   an email lock its owner out).
 * - Per IP: `perIp` failures in the window, then refused until the oldest leaves the window.
 * A refused attempt is not recorded, so retrying while refused does not extend the wait.
 */
export const LOGIN_LIMITS = {
  windowMs: 15 * 60_000,
  emailFreeFailures: 5,
  emailBaseDelayMs: 1_000,
  emailMaxDelayMs: 60_000,
  perIp: 20,
} as const;

export class TooManyAttemptsError extends Error {
  override readonly name = "TooManyAttemptsError";
  readonly retryAfterSeconds: number;
  constructor(waitMs: number) {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const minutes = Math.ceil(seconds / 60);
    super(
      seconds < 60
        ? `Too many attempts, try again in ${seconds} second${seconds === 1 ? "" : "s"}.`
        : `Too many attempts, try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    );
    this.retryAfterSeconds = seconds;
  }
}

export interface LoginKeys {
  email: string;
  ip?: string | undefined;
}

/** The wait an email's next attempt needs after `failures` failures in the window. */
export function emailDelayMs(failures: number): number {
  if (failures < LOGIN_LIMITS.emailFreeFailures) return 0;
  const doublings = failures - LOGIN_LIMITS.emailFreeFailures;
  return Math.min(LOGIN_LIMITS.emailMaxDelayMs, LOGIN_LIMITS.emailBaseDelayMs * 2 ** Math.min(doublings, 30));
}

/** The rows written for one attempt; release them when the password was right. */
export interface LoginReservation {
  ids: string[];
}

const emailKey = (email: string) => `email:${email}`;
const ipKey = (ip: string) => `ip:${ip}`;

/**
 * Checks the limits and records the attempt in one transaction, holding a transaction-scoped
 * advisory lock per key so that concurrent attempts for one email or IP are counted one after the
 * other (PostgreSQL and PGlite alike). Throws TooManyAttemptsError, recording nothing, when refused.
 */
export async function reserveLoginAttempt(
  database: Database,
  who: LoginKeys,
  now: Date,
): Promise<LoginReservation> {
  const keys = [emailKey(who.email), ...(who.ip ? [ipKey(who.ip)] : [])].sort();
  const since = new Date(now.getTime() - LOGIN_LIMITS.windowMs);
  return database.db.transaction(async (tx) => {
    for (const key of keys) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    }
    await tx
      .delete(loginAttempts)
      .where(and(inArray(loginAttempts.key, keys), lt(loginAttempts.attemptedAt, since)));
    const rows = await tx
      .select({
        key: loginAttempts.key,
        attempts: count(),
        oldest: min(loginAttempts.attemptedAt),
        latest: max(loginAttempts.attemptedAt),
      })
      .from(loginAttempts)
      .where(inArray(loginAttempts.key, keys))
      .groupBy(loginAttempts.key);
    let waitMs = 0;
    const email = rows.find((r) => r.key === emailKey(who.email));
    if (email?.latest) {
      waitMs = Math.max(waitMs, email.latest.getTime() + emailDelayMs(email.attempts) - now.getTime());
    }
    const ip = who.ip ? rows.find((r) => r.key === ipKey(who.ip!)) : undefined;
    if (ip?.oldest && ip.attempts >= LOGIN_LIMITS.perIp) {
      waitMs = Math.max(waitMs, ip.oldest.getTime() + LOGIN_LIMITS.windowMs - now.getTime());
    }
    if (waitMs > 0) throw new TooManyAttemptsError(waitMs);
    const inserted = await tx
      .insert(loginAttempts)
      .values(keys.map((key) => ({ key, attemptedAt: now })))
      .returning({ id: loginAttempts.id });
    return { ids: inserted.map((r) => r.id) };
  });
}

/**
 * The password was right: the attempt was no failure, and the email's earlier failures are
 * forgiven (not the IP's: one IP may be trying many emails).
 */
export async function releaseLoginAttempt(
  database: Database,
  reservation: LoginReservation,
  who: LoginKeys,
): Promise<void> {
  await database.db.transaction(async (tx) => {
    if (reservation.ids.length > 0) {
      await tx.delete(loginAttempts).where(inArray(loginAttempts.id, reservation.ids));
    }
    await tx.delete(loginAttempts).where(eq(loginAttempts.key, emailKey(who.email)));
  });
}

/**
 * The other throttled front doors: at most `limit` requests per `key` in a sliding `windowMs`. Same
 * table and locking as sign-in (rows keyed `<what>:<who>`), so every process shares the counts.
 */
export interface RateLimit {
  key: string;
  limit: number;
  windowMs: number;
}

export const RATE_LIMITS = {
  /** Sign-ups per client address. */
  signUp: { limit: 20, windowMs: 60 * 60_000 },
  /** Invitation links looked up (shown or accepted) per client address; found links are not counted. */
  invitationLookup: { limit: 30, windowMs: 15 * 60_000 },
  /** REST requests per caller (user, or address when signed out). */
  restCaller: { limit: 120, windowMs: 60_000 },
  /** REST requests per workspace, from all of its callers together. */
  restWorkspace: { limit: 600, windowMs: 60_000 },
} as const;

/**
 * Counts one request against every limit, or throws TooManyAttemptsError (recording nothing) when
 * one of them is used up; the error's wait is until the oldest counted request leaves that window.
 * Returns the rows written, for `releaseRateLimits` when the request should not count after all.
 */
export async function consumeRateLimits(
  database: Database,
  limits: readonly RateLimit[],
  now: Date = new Date(),
): Promise<LoginReservation> {
  if (limits.length === 0) return { ids: [] };
  const sorted = [...limits].sort((a, b) => a.key.localeCompare(b.key));
  return database.db.transaction(async (tx) => {
    for (const { key } of sorted) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    }
    let waitMs = 0;
    for (const { key, limit, windowMs } of sorted) {
      const since = new Date(now.getTime() - windowMs);
      await tx
        .delete(loginAttempts)
        .where(and(eq(loginAttempts.key, key), lt(loginAttempts.attemptedAt, since)));
      const [row] = await tx
        .select({ attempts: count(), oldest: min(loginAttempts.attemptedAt) })
        .from(loginAttempts)
        .where(eq(loginAttempts.key, key));
      if (row?.oldest && row.attempts >= limit) {
        waitMs = Math.max(waitMs, row.oldest.getTime() + windowMs - now.getTime());
      }
    }
    if (waitMs > 0) throw new TooManyAttemptsError(waitMs);
    const inserted = await tx
      .insert(loginAttempts)
      .values(sorted.map(({ key }) => ({ key, attemptedAt: now })))
      .returning({ id: loginAttempts.id });
    return { ids: inserted.map((r) => r.id) };
  });
}

/** Un-counts a request counted by `consumeRateLimits` (e.g. an invitation link that was found). */
export async function releaseRateLimits(database: Database, reservation: LoginReservation): Promise<void> {
  if (reservation.ids.length === 0) return;
  await database.db.delete(loginAttempts).where(inArray(loginAttempts.id, reservation.ids));
}
