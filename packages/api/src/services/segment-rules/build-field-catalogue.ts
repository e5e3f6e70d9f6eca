import {
  type RuleCatalogue,
  type RuleCatalogueField,
  type RuleFieldSource,
  type RuleFieldType,
  readRuleCategory,
  readRuleDate,
  readRuleNumber,
} from "@strata/core";
import type { Tx } from "@strata/db";
import type { DatasetColumn } from "@strata/db/schema";
import { sql } from "drizzle-orm";
import { queryRows } from "../../jobs/run-data.js";
import { listPersonalKeys } from "../privacy/personal-columns.js";

/** Customers read to find the features (and attributes no dataset declares) and their common values. */
export const CATALOGUE_SAMPLE = 2_000;
/** Most common values kept per category field. */
export const CATALOGUE_TOP_VALUES = 12;

const COLUMN_TYPES: Record<DatasetColumn["type"], RuleFieldType> = {
  numeric: "number",
  date: "date",
  categorical: "category",
  text: "category",
  id: "category",
};

interface ProfileColumn {
  field?: string;
  topValues?: Array<{ value: string; count: number }>;
}

/**
 * The fields a rule may name in a workspace, with their types: every attribute its customers files
 * declared (the type the latest import confirmed; for categories, the most common values from the
 * dataset's profile, which counts every row), and the features and undeclared attributes found on a
 * sample of customers (their type read from the values). Cheap at any size: two small reads, the
 * sample taken in customer id order through the features' tenant index.
 */
export async function buildFieldCatalogue(
  tx: Tx,
  tenantId: string,
  /** False (viewers): personal columns are listed without their frequent values. */
  canSeePersonal = true,
): Promise<RuleCatalogue> {
  const datasets = await queryRows<{
    columns: DatasetColumn[];
    profile: { columns?: ProfileColumn[] } | null;
  }>(
    tx,
    sql`select columns, profile from datasets
        where tenant_id = ${tenantId} and kind = 'customers'
        order by updated_at desc, id`,
  );
  const sample = await queryRows<{
    attributes: Record<string, unknown> | null;
    features: Record<string, unknown>;
  }>(
    tx,
    sql`select c.attributes, f.features
        from customer_features f join customers c on c.id = f.customer_id and c.tenant_id = ${tenantId}
        where f.tenant_id = ${tenantId}
        order by f.customer_id
        limit ${CATALOGUE_SAMPLE}`,
  );

  const fields = new Map<string, RuleCatalogueField>();
  for (const dataset of datasets) {
    const profiled = new Map((dataset.profile?.columns ?? []).map((c) => [c.field, c.topValues]));
    for (const column of dataset.columns) {
      if (column.field !== "attribute") continue;
      const name = column.key ?? column.source;
      const key = `attribute:${name}`;
      // The latest customers dataset's type wins: it is what the user confirmed most recently.
      if (fields.has(key)) continue;
      const type = COLUMN_TYPES[column.type];
      const top = profiled.get(name)?.map((t) => t.value);
      fields.set(key, {
        source: "attribute",
        name,
        key,
        type,
        ...(type === "category" ? { topValues: top } : {}),
      });
    }
  }

  const observed = new Map<string, { source: RuleFieldSource; name: string; values: unknown[] }>();
  const observe = (source: RuleFieldSource, bag: Record<string, unknown> | null) => {
    for (const [name, value] of Object.entries(bag ?? {})) {
      const key = `${source}:${name}`;
      let entry = observed.get(key);
      if (!entry) {
        entry = { source, name, values: [] };
        observed.set(key, entry);
      }
      if (value !== null && value !== "") entry.values.push(value);
    }
  };
  for (const row of sample) {
    observe("attribute", row.attributes);
    observe("feature", row.features);
  }
  for (const [key, { source, name, values }] of observed) {
    const declared = fields.get(key);
    if (declared) {
      if (declared.type === "category" && declared.topValues === undefined) {
        declared.topValues = topValues(values);
      }
      continue;
    }
    const type = inferType(values);
    fields.set(key, {
      source,
      name,
      key,
      type,
      ...(type === "category" ? { topValues: topValues(values) } : {}),
    });
  }
  const personal = canSeePersonal ? new Set<string>() : await listPersonalKeys(tx, tenantId);
  for (const field of fields.values()) {
    if (field.type === "category" && field.topValues === undefined) field.topValues = [];
    if (field.source === "attribute" && personal.has(field.name) && field.topValues) field.topValues = [];
  }
  return [...fields.values()].sort(
    (a, b) => a.source.localeCompare(b.source) || a.name.localeCompare(b.name, "en"),
  );
}

/** Number when every value reads as one (a JSON number among them), date when every one is a date, else category. */
function inferType(values: readonly unknown[]): RuleFieldType {
  if (values.length === 0) return "category";
  if (values.some((v) => typeof v === "number") && values.every((v) => readRuleNumber(v) !== undefined)) {
    return "number";
  }
  if (values.every((v) => readRuleDate(v) !== undefined)) return "date";
  return "category";
}

function topValues(values: readonly unknown[]): string[] {
  const counts = new Map<string, number>();
  for (const v of values) {
    const c = readRuleCategory(v);
    if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, CATALOGUE_TOP_VALUES)
    .map(([v]) => v);
}
