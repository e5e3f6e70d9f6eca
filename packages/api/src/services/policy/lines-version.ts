import { rawRows, type Tx } from "@strata/db";
import { sql } from "drizzle-orm";

/**
 * A cheap summary of a workspace's order lines that changes with them: lines added or updated (an
 * import finishing) and lines removed (erasure, retention). Figures derived from the lines alone may
 * be kept in memory under it.
 */
export async function orderLinesVersion(tx: Tx, tenantId: string): Promise<string> {
  const [row] = await rawRows<{ lines: string; imported: string | null }>(
    tx,
    sql`select
      (select count(*) from order_lines where tenant_id = ${tenantId})::text as lines,
      (select max(finished_at)::text from imports where tenant_id = ${tenantId}) as imported`,
  );
  return `${row?.lines ?? 0}|${row?.imported ?? ""}`;
}
