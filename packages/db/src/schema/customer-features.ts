import { foreignKey, index, jsonb, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantIsolationPolicy } from "./app-role.js";
import { customers } from "./customers.js";
import { tenants } from "./tenants.js";

/**
 * Per-customer features, recomputed after every import: behavioural and RFM features from order lines
 * plus the numeric customer attributes. Runs read them from here (name -> value; null when missing).
 */
export const customerFeatures = pgTable(
  "customer_features",
  {
    customerId: uuid().primaryKey(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    features: jsonb().$type<Record<string, number | string | null>>().notNull(),
    computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "customer_features_customer_fk",
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }).onDelete("cascade"),
    index("customer_features_tenant_customer_idx").on(t.tenantId, t.customerId),
    tenantIsolationPolicy("customer_features", t.tenantId),
  ],
);

export type CustomerFeatures = typeof customerFeatures.$inferSelect;
