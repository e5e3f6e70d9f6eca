import type { Database } from "@strata/db";
import { withTenant } from "@strata/db";
import { sql } from "drizzle-orm";
import { queryRows } from "../../jobs/run-data.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { recomputeCustomerFeatures } from "../customer/recompute-customer-features.js";

export interface RetentionOutcome {
  tenantId: string;
  months: number;
  deleted: number;
}

/**
 * The retention sweep: in every workspace with a retention of N months, deletes the order lines
 * ordered more than N calendar months before `now` (a line exactly N months old stays), in that
 * workspace's own tenant transaction, with an audit event counting them; customers stay and their
 * features are recomputed from the lines that are left.
 */
export async function applyRetention(
  database: Database,
  options: { now?: Date; tenantId?: string } = {},
): Promise<RetentionOutcome[]> {
  const now = (options.now ?? new Date()).toISOString();
  // The tenants table is not tenant-owned: which workspaces keep lines for how long is read directly.
  const workspaces = await database.query<{ id: string; retention_months: number }>(
    options.tenantId
      ? "select id, retention_months from tenants where retention_months is not null and id = $1"
      : "select id, retention_months from tenants where retention_months is not null order by id",
    options.tenantId ? [options.tenantId] : [],
  );
  const outcomes: RetentionOutcome[] = [];
  for (const w of workspaces.rows) {
    const months = Number(w.retention_months);
    const deleted = await withTenant(database.db, w.id, async (tx) => {
      const [row] = await queryRows<{ n: number | string }>(
        tx,
        sql`with gone as (
              delete from order_lines
              where tenant_id = ${w.id}
                and ordered_at < ${now}::timestamptz - make_interval(months => ${months})
              returning 1)
            select count(*)::int as n from gone`,
      );
      const n = Number(row?.n ?? 0);
      if (n > 0) {
        // Recency, frequency and spend were read from the lines now gone: recompute from what is left.
        await recomputeCustomerFeatures(tx, { tenantId: w.id, driver: database.driver });
        await recordAuditEvent(tx, {
          tenantId: w.id,
          actorUserId: null,
          action: "order_lines.retention_applied",
          targetType: "tenant",
          targetId: w.id,
          details: { months, deleted: n },
        });
      }
      return n;
    });
    outcomes.push({ tenantId: w.id, months, deleted });
  }
  return outcomes;
}
