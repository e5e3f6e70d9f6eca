import { type Database, users } from "@strata/db";
import { eq } from "drizzle-orm";
import { hashPassword, verifyPassword } from "./password.js";
import { releaseLoginAttempt, reserveLoginAttempt } from "./rate-limit.js";

export interface CredentialsInput {
  email: string;
  password: string;
  ip?: string | undefined;
}

export interface AuthorizedUser {
  id: string;
  email: string;
  name: string;
  /** users.session_version at sign-in; the session ends when it changes (see session.ts). */
  sessionVersion: number;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Verifying against a real hash for unknown emails keeps their timing like a wrong password's.
let dummyHash: Promise<string> | undefined;

/**
 * Checks an email and password. Wrong password and unknown email both give null (same message in
 * the UI, same timing). The attempt is reserved against the email's and the IP's limits before the
 * password is checked; when they are used up this throws TooManyAttemptsError without checking.
 */
export async function authorizeCredentials(
  database: Database,
  input: CredentialsInput,
  options: { now?: Date } = {},
): Promise<AuthorizedUser | null> {
  const now = options.now ?? new Date();
  const who = { email: normalizeEmail(input.email), ip: input.ip };
  const reservation = await reserveLoginAttempt(database, who, now);

  const [user] = await database.db.select().from(users).where(eq(users.email, who.email)).limit(1);
  dummyHash ??= hashPassword("not-a-real-password-0");
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash));
  // A failure keeps its reservation: that row is the recorded failure.
  if (!user || !valid) return null;
  await releaseLoginAttempt(database, reservation, who);
  return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
}
