import type { Tx } from "@strata/db";
import { rawClientOf } from "../import/raw-client.js";
import { ORDER_COUNT_DEFINITION, readOrderCount } from "./read-order-count.js";

export interface ListCustomersParams {
  tenantId: string;
  search?: string;
  /** Offset-free paging: the last external id of the previous page. */
  cursor?: string;
  limit?: number;
}

/**
 * Customers ordered by external id, with their headline features, searchable by id. Orders are the
 * `frequency` feature, the same figure the customer page and segments show (`readOrderCount`).
 */
export async function listCustomers(tx: Tx, params: ListCustomersParams) {
  const limit = Math.min(params.limit ?? 50, 200);
  const client = rawClientOf(tx);
  const args: unknown[] = [params.tenantId];
  let where = "c.tenant_id = $1";
  if (params.search?.trim()) {
    args.push(`%${params.search.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    where += ` and c.external_id ilike $${args.length}`;
  }
  if (params.cursor) {
    args.push(params.cursor);
    where += ` and c.external_id > $${args.length}`;
  }
  const rows = await client.query<{
    id: string;
    external_id: string;
    attributes: Record<string, unknown>;
    features: Record<string, unknown> | null;
  }>(
    `select c.id, c.external_id, c.attributes, f.features
     from customers c left join customer_features f on f.customer_id = c.id and f.tenant_id = c.tenant_id
     where ${where} order by c.external_id limit ${limit + 1}`,
    args,
  );
  const items = rows.rows.slice(0, limit).map((r) => ({
    id: r.id,
    externalId: r.external_id,
    attributeCount: Object.keys(r.attributes ?? {}).length,
    frequency: readOrderCount(r.features),
    monetary: numberOrNull(r.features?.monetary),
    recencyDays: numberOrNull(r.features?.recency_days),
    rfmSegment: typeof r.features?.rfm_segment === "string" ? r.features.rfm_segment : null,
  }));
  const totalRow = await client.query<{ n: string | number }>(
    "select count(*) as n from customers where tenant_id = $1",
    [params.tenantId],
  );
  return {
    items,
    nextCursor: rows.rows.length > limit ? items[items.length - 1]!.externalId : null,
    total: Number(totalRow.rows[0]?.n ?? 0),
    ordersDefinition: ORDER_COUNT_DEFINITION,
  };
}

function numberOrNull(v: unknown): number | null {
  return typeof v === "number" ? v : null;
}
