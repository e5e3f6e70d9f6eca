import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Rate-limit counts, one row per counted request and key: failed sign-in attempts (`email:<address>`,
 * `ip:<address>`) and the other throttled front doors (`signup:ip:…`, `invitation:ip:…`, `rest:…`).
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
