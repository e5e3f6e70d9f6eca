import type { Tx } from "@strata/db";
import { type SQL, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { queryRows } from "../../jobs/run-data.js";
import { listPersonalKeys } from "../privacy/personal-columns.js";
import { getSegment } from "./list-segment-sets.js";

export const SEGMENT_CUSTOMER_SORTS = ["externalId", "monetary", "frequency", "recencyDays"] as const;
export type SegmentCustomerSort = (typeof SEGMENT_CUSTOMER_SORTS)[number];

export interface ListSegmentCustomersParams {
  tenantId: string;
  segmentId: string;
  search?: string | undefined;
  sort: SegmentCustomerSort;
  direction: "asc" | "desc";
  page: number;
  pageSize: number;
}

const feature = (name: string): SQL =>
  sql`case when jsonb_typeof(cf.features -> ${name}) = 'number' then (cf.features ->> ${name})::float8 end`;

const SORT_SQL: Record<SegmentCustomerSort, SQL> = {
  externalId: sql`c.external_id`,
  monetary: feature("monetary"),
  frequency: feature("frequency"),
  recencyDays: feature("recency_days"),
};

/**
 * The customers of one segment with their headline features, searchable by external id, sortable
 * by id or a feature, paged by number (the list is for reading; exports stream everything).
 */
export async function listSegmentCustomers(tx: Tx, params: ListSegmentCustomersParams) {
  const segment = await getSegment(tx, { tenantId: params.tenantId, id: params.segmentId });
  const search = params.search?.trim();
  const where = sql`sm.segment_id = ${segment.id} and sm.tenant_id = ${params.tenantId}${
    search ? sql` and c.external_id ilike ${`%${search.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}` : sql``
  }`;
  const direction = params.direction === "desc" ? sql`desc nulls last` : sql`asc nulls last`;
  const rows = await queryRows<{
    id: string;
    external_id: string;
    assigned_at: Date | string;
    monetary: number | null;
    frequency: number | null;
    recency_days: number | null;
    source: "run" | "model" | "rule";
    confidence: number | null;
  }>(
    tx,
    params.sort === "externalId"
      ? // The page is found from ids alone; only its own customers' features documents are read.
        sql`with page as (
              select c.id, c.external_id, sm.assigned_at, sm.source, sm.confidence
              from segment_memberships sm
              join customers c on c.id = sm.customer_id
              where ${where}
              order by c.external_id ${direction}
              limit ${params.pageSize} offset ${(params.page - 1) * params.pageSize}
            )
            select page.*, ${feature("monetary")} as monetary,
              ${feature("frequency")} as frequency, ${feature("recency_days")} as recency_days
            from page left join customer_features cf on cf.customer_id = page.id
            order by page.external_id ${direction}`
      : sql`select c.id, c.external_id, sm.assigned_at, sm.source, sm.confidence, ${feature("monetary")} as monetary,
              ${feature("frequency")} as frequency, ${feature("recency_days")} as recency_days
            from segment_memberships sm
            join customers c on c.id = sm.customer_id
            left join customer_features cf on cf.customer_id = sm.customer_id
            where ${where}
            order by ${SORT_SQL[params.sort]} ${direction}, c.external_id asc
            limit ${params.pageSize} offset ${(params.page - 1) * params.pageSize}`,
  );
  const [count] = await queryRows<{ n: number | string }>(
    tx,
    sql`select count(*)::int as n from segment_memberships sm join customers c on c.id = sm.customer_id where ${where}`,
  );
  return {
    segment,
    total: Number(count?.n ?? 0),
    page: params.page,
    pageSize: params.pageSize,
    items: rows.map((r) => ({
      id: r.id,
      externalId: r.external_id,
      assignedAt: new Date(r.assigned_at),
      monetary: r.monetary === null ? null : Number(r.monetary),
      frequency: r.frequency === null ? null : Number(r.frequency),
      recencyDays: r.recency_days === null ? null : Number(r.recency_days),
      /** `run`: in the training run; `model`: assigned later by the set's model; `rule`: matched its rule. */
      source: r.source,
      confidence: r.confidence === null ? null : Number(r.confidence),
    })),
  };
}

/**
 * One page of a segment's memberships for the CSV export (`customer_id,segment_set,segment,assigned_at`),
 * keyset-paged on the external id so an export of any size is read in bounded pieces.
 */
export async function exportSegmentMemberships(
  tx: Tx,
  params: {
    tenantId: string;
    segmentId: string;
    after?: string | undefined;
    limit: number;
    /** False (viewers): columns marked personal are left out of the file. */
    canSeePersonal: boolean;
  },
) {
  const segment = await getSegment(tx, { tenantId: params.tenantId, id: params.segmentId });
  if (segment.approvedVersion === null)
    throw new AppError(
      "PRECONDITION_FAILED",
      `"${segment.setName}" has no approved version yet: exports use approved segment definitions only.`,
    );
  const personal = await listPersonalKeys(tx, params.tenantId);
  const attributeKeys = (await listAttributeKeys(tx, params.tenantId)).filter(
    (k) => params.canSeePersonal || !personal.has(k),
  );
  const rows = await queryRows<{
    external_id: string;
    assigned_at: Date | string;
    attributes: Record<string, unknown> | null;
  }>(
    tx,
    sql`select c.external_id, sm.assigned_at, c.attributes
        from segment_memberships sm join customers c on c.id = sm.customer_id
        where sm.segment_id = ${segment.id} and sm.tenant_id = ${params.tenantId}
          ${params.after === undefined ? sql`` : sql`and c.external_id > ${params.after}`}
        order by c.external_id
        limit ${params.limit}`,
  );
  return {
    setName: segment.setName,
    segmentName: segment.name,
    attributeKeys,
    rows: rows.map((r) => ({
      customerId: r.external_id,
      assignedAt: new Date(r.assigned_at),
      // Only the keys this exporter may see: a viewer's copy never holds a personal value.
      attributes: Object.fromEntries(attributeKeys.map((k) => [k, r.attributes?.[k] ?? null])),
    })),
    next: rows.length === params.limit ? rows.at(-1)!.external_id : null,
  };
}

/** The attribute keys of the workspace's customer datasets, in their column order. */
async function listAttributeKeys(tx: Tx, tenantId: string): Promise<string[]> {
  const rows = await queryRows<{ key: string }>(
    tx,
    sql`select distinct on (c ->> 'key') c ->> 'key' as key
        from datasets d, jsonb_array_elements(d.columns) with ordinality as e(c, n)
        where d.tenant_id = ${tenantId} and d.kind = 'customers' and c ->> 'field' = 'attribute'
          and c ->> 'key' is not null
        order by c ->> 'key'`,
  );
  return rows.map((r) => r.key);
}
