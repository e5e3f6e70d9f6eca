import type { Tx } from "@strata/db";
import { sql } from "drizzle-orm";

/**
 * Merges `cts_pct_of_sales` and `net_margin_pct` of a cost-to-serve run (default: the workspace's
 * latest succeeded one) into its customers' features, other features kept, so analysts can segment
 * on profitability. Called after a run succeeds and after an import rewrites everyone's features.
 */
export async function mergeProfitabilityFeatures(
  tx: Tx,
  params: { tenantId: string; runId?: string },
): Promise<void> {
  const { tenantId } = params;
  const run = params.runId
    ? sql`${params.runId}::uuid`
    : sql`(select id from cost_to_serve_runs where tenant_id = ${tenantId} and status = 'succeeded'
           order by finished_at desc nulls last, created_at desc limit 1)`;
  await tx.execute(sql`
    insert into customer_features (customer_id, tenant_id, features, computed_at)
    select c.customer_id, c.tenant_id,
      jsonb_build_object('cts_pct_of_sales', c.cts_pct_of_sales, 'net_margin_pct', c.margin_pct), now()
    from cost_to_serve_customers c
    where c.tenant_id = ${tenantId} and c.run_id = ${run}
    on conflict (customer_id) do update
      set features = customer_features.features || excluded.features`);
}
