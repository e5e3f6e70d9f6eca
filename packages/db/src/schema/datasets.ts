import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenantIsolationPolicy } from "./app-role.js";
import { tenants } from "./tenants.js";

/**
 * Customer attributes (one row per customer), order lines (one row per line of an order) or activity
 * events (one row per customer, activity and count).
 */
export const datasetKind = pgEnum("dataset_kind", ["customers", "orders", "activities"]);

/** How a dataset's column was read: its header in the file, what it maps to, and the inferred type. */
export interface DatasetColumn {
  /** Header in the source file. */
  source: string;
  /** Strata field (e.g. `customerId`, `orderedAt`) or `attribute` for a free customer attribute. */
  field: string;
  /** For attributes: the key in `customers.attributes`. */
  key?: string;
  type: "numeric" | "categorical" | "date" | "id" | "text";
  /**
   * Personal data (an email, a name, a phone number, an address, a birth date): never a default
   * clustering feature, masked for viewers and left out of their exports (services/privacy).
   */
  isPersonal?: boolean;
}

/**
 * A named body of imported data in a workspace. Customers are shared by the whole workspace (keyed by
 * external id); a dataset records where rows came from, which columns they had, and their profile.
 */
export const datasets = pgTable(
  "datasets",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    kind: datasetKind().notNull(),
    name: text().notNull(),
    columns: jsonb().$type<DatasetColumn[]>().notNull().default([]),
    rowCount: integer().notNull().default(0),
    /** Column statistics computed after each import (see services/profile). */
    profile: jsonb().$type<Record<string, unknown>>(),
    profiledAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("datasets_tenant_kind_name_unique").on(t.tenantId, t.kind, t.name),
    index("datasets_tenant_id_idx").on(t.tenantId),
    tenantIsolationPolicy("datasets", t.tenantId),
  ],
);

export type Dataset = typeof datasets.$inferSelect;
