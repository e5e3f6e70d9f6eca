import { index, jsonb, pgTable, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenantIsolationPolicy } from "./app-role.js";
import { datasets } from "./datasets.js";
import { tenants } from "./tenants.js";

/** A value of a customer attribute as imported: numbers stay numbers, dates are ISO strings. */
export type AttributeValue = string | number | null;

/**
 * A customer of the workspace, identified by the id the workspace's own systems use (`external_id`).
 * Re-importing a customer updates it in place; order lines may create a customer with no attributes.
 */
export const customers = pgTable(
  "customers",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    externalId: text().notNull(),
    /** The customers dataset that last set the attributes. */
    datasetId: uuid().references(() => datasets.id, { onDelete: "set null" }),
    attributes: jsonb().$type<Record<string, AttributeValue>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Children's foreign keys name (tenant_id, id) so that none can point at another tenant's row.
    unique("customers_tenant_id_id_unique").on(t.tenantId, t.id),
    uniqueIndex("customers_tenant_external_id_unique").on(t.tenantId, t.externalId),
    index("customers_dataset_id_idx").on(t.datasetId),
    tenantIsolationPolicy("customers", t.tenantId),
  ],
);

export type Customer = typeof customers.$inferSelect;
