import { bigint, date, doublePrecision, foreignKey, index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { tenantIsolationPolicy } from "./app-role.js";
import { customers } from "./customers.js";

/**
 * Counted events per customer (sales visits, statements, expedites, payment terms...) that drive
 * cost-to-serve activities (`event:<activity>`). Like order lines, `event_key` makes re-imports
 * idempotent: a hash of the row's content and its occurrence number among identical rows of the file.
 */
export const activityEvents = pgTable(
  "activity_events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    // No foreign keys to tenants or datasets, as for order lines: the customer cascades, and the
    // import merge is the only writer.
    tenantId: uuid().notNull(),
    datasetId: uuid().notNull(),
    customerId: uuid().notNull(),
    eventKey: uuid().notNull(),
    activity: text().notNull(),
    quantity: doublePrecision().notNull(),
    occurredOn: date({ mode: "string" }),
    importId: uuid(),
  },
  (t) => [
    foreignKey({
      name: "activity_events_customer_fk",
      columns: [t.tenantId, t.customerId],
      foreignColumns: [customers.tenantId, customers.id],
    }).onDelete("cascade"),
    index("activity_events_tenant_customer_idx").on(t.tenantId, t.customerId),
    index("activity_events_tenant_dataset_key_idx").on(t.tenantId, t.datasetId, t.eventKey),
    tenantIsolationPolicy("activity_events", t.tenantId),
  ],
);

export type ActivityEvent = typeof activityEvents.$inferSelect;
