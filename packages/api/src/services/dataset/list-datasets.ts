import { datasets, type Tx } from "@strata/db";
import { asc, eq } from "drizzle-orm";

/** The workspace's datasets (customers first), without their profiles. */
export async function listDatasets(tx: Tx, params: { tenantId: string }) {
  return tx
    .select({
      id: datasets.id,
      kind: datasets.kind,
      name: datasets.name,
      rowCount: datasets.rowCount,
      columns: datasets.columns,
      createdAt: datasets.createdAt,
      updatedAt: datasets.updatedAt,
      profiledAt: datasets.profiledAt,
    })
    .from(datasets)
    .where(eq(datasets.tenantId, params.tenantId))
    .orderBy(asc(datasets.kind), asc(datasets.name));
}
