import type { Tx } from "@strata/db";
import { sql } from "drizzle-orm";
import { queryRows } from "../../jobs/run-data.js";
import { assertRunSucceeded } from "./run-result.js";

/**
 * Per segment of a run: customers and their share of revenue (the customers' `monetary` feature,
 * summed), read from the stored assignments so it covers every customer, not a sample.
 */
export async function getRunInsights(tx: Tx, params: { tenantId: string; runId: string }) {
  await assertRunSucceeded(tx, params);
  const rows = await queryRows<{ segment: number; n: number | string; revenue: number | string | null }>(
    tx,
    sql`select ra.segment, count(*)::int as n,
          sum(case when jsonb_typeof(cf.features -> 'monetary') = 'number'
                   then (cf.features ->> 'monetary')::float8 end) as revenue
        from run_assignments ra
        left join customer_features cf on cf.customer_id = ra.customer_id
        where ra.run_id = ${params.runId} and ra.tenant_id = ${params.tenantId}
        group by ra.segment
        order by ra.segment`,
  );
  const customers = rows.reduce((s, r) => s + Number(r.n), 0);
  const hasRevenue = rows.some((r) => r.revenue !== null);
  const revenue = rows.reduce((s, r) => s + Number(r.revenue ?? 0), 0);
  return {
    customers,
    revenue: hasRevenue ? revenue : null,
    segments: rows.map((r) => ({
      segment: Number(r.segment),
      customers: Number(r.n),
      share: customers > 0 ? Number(r.n) / customers : 0,
      revenue: hasRevenue ? Number(r.revenue ?? 0) : null,
      revenueShare: hasRevenue && revenue > 0 ? Number(r.revenue ?? 0) / revenue : null,
    })),
  };
}
