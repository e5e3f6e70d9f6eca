import { datasets, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { type DatasetProfile, PROFILE_VERSION, profileDataset } from "../profile/profile-dataset.js";

/**
 * A dataset with its profile, computed now when it has none yet or only one of an older kind
 * (before version 2, figures came from a sample of rows).
 */
export async function getDataset(tx: Tx, params: { tenantId: string; id: string }) {
  const [row] = await tx
    .select()
    .from(datasets)
    .where(and(eq(datasets.tenantId, params.tenantId), eq(datasets.id, params.id)));
  if (!row) throw new AppError("NOT_FOUND", "Dataset not found");
  const stored = row.profile as DatasetProfile | null;
  const profile =
    stored && stored.version === PROFILE_VERSION
      ? stored
      : await profileDataset(tx, { tenantId: params.tenantId, datasetId: row.id });
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    rowCount: row.rowCount,
    columns: row.columns,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    profiledAt: row.profiledAt,
    profile,
  };
}
