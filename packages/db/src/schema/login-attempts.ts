import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Failed sign-in attempts, one row per rate-limit key (`email:<address>` or `ip:<address>`).
 * Not tenant-owned: sign-in happens before any tenant is known.
 */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: uuid().primaryKey().defaultRandom(),
    key: text().notNull(),
    attemptedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("login_attempts_key_attempted_at_idx").on(t.key, t.attemptedAt)],
);
