import {
  bigint,
  doublePrecision,
  index,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenantIsolationPolicy } from "./app-role.js";
import { customers } from "./customers.js";
import { datasets } from "./datasets.js";
import { tenants } from "./tenants.js";

/**
 * One line of an order (a transaction). `line_key` makes re-imports idempotent: it is a hash of the
 * line's content and of its occurrence number among identical lines of the same file, so importing
 * the same file twice adds nothing while a genuinely repeated line is still kept.
 */
export const orderLines = pgTable(
  "order_lines",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    datasetId: uuid()
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    customerId: uuid()
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    lineKey: uuid().notNull(),
    orderId: text(),
    orderedAt: timestamp({ withTimezone: true }).notNull(),
    quantity: doublePrecision().notNull(),
    unitPrice: doublePrecision().notNull(),
    product: text(),
    category: text(),
    channel: text(),
    country: text(),
    region: text(),
    weight: doublePrecision(),
    importId: uuid(),
  },
  (t) => [
    uniqueIndex("order_lines_tenant_dataset_line_key_unique").on(t.tenantId, t.datasetId, t.lineKey),
    index("order_lines_tenant_customer_ordered_idx").on(t.tenantId, t.customerId, t.orderedAt),
    tenantIsolationPolicy("order_lines", t.tenantId),
  ],
);

export type OrderLine = typeof orderLines.$inferSelect;
