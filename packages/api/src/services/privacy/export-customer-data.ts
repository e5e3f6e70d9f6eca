import type { Tx } from "@strata/db";
import { sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { queryRows } from "../../jobs/run-data.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";

/** Tables whose rows belong to one customer (`customer_id`), in the order the export lists them. */
export const CUSTOMER_TABLES = [
  "customer_features",
  "order_lines",
  "activity_events",
  "segment_memberships",
  "run_assignments",
  "cost_to_serve_customers",
] as const;
export type CustomerTable = (typeof CUSTOMER_TABLES)[number];

/**
 * The right of access: everything the workspace holds on one customer, as one JSON document. The
 * customer row; every row of every table keyed by the customer (CUSTOMER_TABLES, each row whole
 * but for the tenant id); their points on run maps; and the rejected-row samples that carry their
 * id. Recorded in the audit trail (who exported whom, not what).
 */
export async function exportCustomerData(tx: Tx, params: { tenantId: string; userId: string; id: string }) {
  const { tenantId, id } = params;
  const [customer] = await queryRows<Record<string, unknown> & { external_id: string }>(
    tx,
    sql`select c.id, c.external_id, c.attributes, c.created_at, c.updated_at, d.name as dataset_name
        from customers c left join datasets d on d.id = c.dataset_id
        where c.tenant_id = ${tenantId} and c.id = ${id}`,
  );
  if (!customer) throw new AppError("NOT_FOUND", "Customer not found");
  const tables = {} as Record<CustomerTable, Array<Record<string, unknown>>>;
  for (const table of CUSTOMER_TABLES) {
    const rows = await queryRows<{ row: Record<string, unknown> }>(
      tx,
      sql`select to_jsonb(t) - 'tenant_id' as row from ${sql.identifier(table)} t
          where t.tenant_id = ${tenantId} and t.customer_id = ${id}`,
    );
    tables[table] = rows.map((r) => r.row);
  }
  const mapPoints = await queryRows<{ run_id: string; map: string; point: Record<string, unknown> }>(
    tx,
    sql`select r.id as run_id, m.map, p as point
        from runs r,
             lateral (values ('pca', r.result -> 'map' -> 'points'), ('tsne', r.result -> 'tsne')) m(map, points),
             jsonb_array_elements(case when jsonb_typeof(m.points) = 'array' then m.points else '[]'::jsonb end) p
        where r.tenant_id = ${tenantId} and p ->> 'customerId' = ${id}::text
        order by r.created_at, m.map`,
  );
  const rejected = await queryRows<{ import_id: string; file_name: string; sample: Record<string, unknown> }>(
    tx,
    sql`select i.id as import_id, i.file_name, s as sample
        from imports i, jsonb_array_elements(i.rejected_sample) s
        where i.tenant_id = ${tenantId} and s ->> 'value' = ${customer.external_id}`,
  );
  await recordAuditEvent(tx, {
    tenantId,
    actorUserId: params.userId,
    action: "customer.data_exported",
    targetType: "customer",
    targetId: id,
  });
  return {
    exportedAt: new Date().toISOString(),
    customer,
    ...tables,
    runMapPoints: mapPoints.map((p) => ({ runId: p.run_id, map: p.map, ...p.point })),
    rejectedRows: rejected.map((r) => ({ importId: r.import_id, fileName: r.file_name, ...r.sample })),
  };
}
