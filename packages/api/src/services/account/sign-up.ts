import { checkPasswordRules, hashPassword, normalizeEmail } from "@strata/auth";
import { type DbOrTx, users } from "@strata/db";
import { eq } from "drizzle-orm";
import { AppError, isUniqueViolation } from "../../errors.js";
import { DEMO_LOGIN_EMAIL } from "../tenant/slug.js";

const EMAIL_TAKEN = "An account with this email already exists. Sign in instead.";

/** Creates an account. Users are global (not tenant-owned), so this runs outside any tenant. */
export async function signUp(
  db: DbOrTx,
  params: { email: string; password: string; name: string },
): Promise<{ id: string; email: string }> {
  const email = normalizeEmail(params.email);
  // The demo login is made by the demo seed alone; an account under its address could claim `demo`.
  if (email === DEMO_LOGIN_EMAIL) throw new AppError("CONFLICT", EMAIL_TAKEN, "email");
  const rule = checkPasswordRules(params.password, email);
  if (rule) throw new AppError("BAD_REQUEST", rule, "password");
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (existing) throw new AppError("CONFLICT", EMAIL_TAKEN, "email");
  const passwordHash = await hashPassword(params.password);
  try {
    const [user] = await db
      .insert(users)
      .values({ email, name: params.name.trim(), passwordHash })
      .returning({ id: users.id, email: users.email });
    return user!;
  } catch (error) {
    // Two sign-ups with one email at the same moment: the unique index decides.
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", EMAIL_TAKEN, "email");
    throw error;
  }
}
