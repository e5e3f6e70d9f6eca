import { type DbOrTx, users } from "@strata/db";
import { eq, sql } from "drizzle-orm";

/**
 * Sessions are signed JWTs in a cookie, so nothing server-side can delete one. Instead each carries
 * the user's session version from sign-in, and every read of the session compares it with
 * users.session_version: bumping the column ends every session the user has.
 */
export async function readSessionVersion(db: DbOrTx, userId: string): Promise<number | undefined> {
  const [row] = await db
    .select({ sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  return row?.sessionVersion;
}

/** Ends every existing session of the user (after a password change, or to sign them out everywhere). */
export async function endUserSessions(db: DbOrTx, userId: string): Promise<void> {
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}

/** Thrown from the jwt callback for a session that has ended; next-auth then clears the cookie. */
export class SessionEndedError extends Error {
  override readonly name = "SessionEndedError";
  constructor() {
    super("The session has ended (signed out elsewhere, password changed or account removed).");
  }
}
