import { consumeRateLimits, type LoginReservation, RATE_LIMITS, type RateLimit } from "@strata/auth";
import type { Database } from "@strata/db";
import { AppError } from "../../errors.js";

export type { RateLimit };

/**
 * Counts a request against `limits` (the sign-in limiter's table, @strata/auth), or refuses it with
 * TOO_MANY_REQUESTS carrying the seconds to wait. Returns the counted rows, for `releaseRateLimits`.
 */
export async function enforceRateLimits(
  database: Database,
  limits: readonly RateLimit[],
): Promise<LoginReservation> {
  try {
    return await consumeRateLimits(database, limits);
  } catch (error) {
    // By name: @strata/auth may be loaded twice (web bundles), so instanceof is not reliable.
    if (error instanceof Error && error.name === "TooManyAttemptsError") {
      const { retryAfterSeconds } = error as Error & { retryAfterSeconds: number };
      throw new AppError("TOO_MANY_REQUESTS", error.message, undefined, retryAfterSeconds);
    }
    throw error;
  }
}

/**
 * Limits keyed by the client's address; none when it is unknown (as for sign-in: no shared key that
 * one client could use up for everyone).
 */
export function signUpLimits(ip: string | undefined): RateLimit[] {
  return ip ? [{ key: `signup:ip:${ip}`, ...RATE_LIMITS.signUp }] : [];
}

export function invitationLookupLimits(ip: string | undefined): RateLimit[] {
  return ip ? [{ key: `invitation:ip:${ip}`, ...RATE_LIMITS.invitationLookup }] : [];
}

/**
 * A REST request: per caller (the signed-in user, else the address) and, for signed-in callers, per
 * workspace. Signed-out requests do not count against a workspace, so strangers cannot use up its
 * budget; each stranger's own limit is well under the workspace's.
 */
export function restLimits(
  caller: { userId: string | null; ip?: string | undefined },
  workspace: string,
): RateLimit[] {
  const limits: RateLimit[] = [];
  const who = caller.userId ? `user:${caller.userId}` : caller.ip ? `ip:${caller.ip}` : undefined;
  if (who) limits.push({ key: `rest:caller:${who}`, ...RATE_LIMITS.restCaller });
  if (caller.userId) {
    limits.push({ key: `rest:workspace:${workspace.trim().toLowerCase()}`, ...RATE_LIMITS.restWorkspace });
  }
  return limits;
}
