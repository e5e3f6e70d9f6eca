import { rawRows, type Tx } from "@strata/db";
import { sql } from "drizzle-orm";

/**
 * A summary of a workspace's order lines that changes with them: the version every statement writing
 * its lines moves on (order_line_versions, kept by triggers on order_lines: lines added, changed or
 * removed, by whatever path). One primary-key read; figures derived from the lines alone may be kept
 * in memory under it.
 */
export async function orderLinesVersion(tx: Tx, tenantId: string): Promise<string> {
  const [row] = await rawRows<{ version: string | null }>(
    tx,
    sql`select version::text as version from order_line_versions where tenant_id = ${tenantId}`,
  );
  return row?.version ?? "0";
}
