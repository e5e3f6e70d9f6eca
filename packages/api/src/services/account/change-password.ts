import { authorizeCredentials, checkPasswordRules, endUserSessions, hashPassword } from "@strata/auth";
import { type Database, users } from "@strata/db";
import { eq } from "drizzle-orm";
import { AppError } from "../../errors.js";

/**
 * Changes a signed-in user's password and ends every session they have, this one included (the
 * client signs in again with the new password). The current password is checked through the
 * sign-in path, so guesses at it count against the same per-email and per-IP limits.
 */
export async function changePassword(
  database: Database,
  params: { userId: string; currentPassword: string; newPassword: string; ip?: string | undefined },
): Promise<void> {
  const [user] = await database.db
    .select({ email: users.email })
    .from(users)
    .where(eq(users.id, params.userId))
    .limit(1);
  if (!user) throw new AppError("UNAUTHORIZED", "Your session has ended. Sign in again.");
  let checked: Awaited<ReturnType<typeof authorizeCredentials>>;
  try {
    checked = await authorizeCredentials(database, {
      email: user.email,
      password: params.currentPassword,
      ip: params.ip,
    });
  } catch (error) {
    if (error instanceof Error && error.name === "TooManyAttemptsError") {
      throw new AppError("TOO_MANY_REQUESTS", error.message, "currentPassword");
    }
    throw error;
  }
  if (!checked || checked.id !== params.userId) {
    throw new AppError("BAD_REQUEST", "That is not your current password.", "currentPassword");
  }
  const rule = checkPasswordRules(params.newPassword, user.email);
  if (rule) throw new AppError("BAD_REQUEST", rule, "newPassword");
  const passwordHash = await hashPassword(params.newPassword);
  await database.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, params.userId));
    await endUserSessions(tx, params.userId);
  });
}
