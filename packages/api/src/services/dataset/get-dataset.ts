import { datasets, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { listPersonalKeys } from "../privacy/personal-columns.js";
import { type ColumnProfile, type DatasetProfile, PROFILE_VERSION } from "../profile/profile-dataset.js";

/**
 * A dataset with its stored profile. Profiling is a job (`dataset-profile`, queued when an import's
 * rows are in, or by the consumer's sweep for a profile that is missing or of an older
 * PROFILE_VERSION), never work done on read: `profileStatus` is "pending" until a profile newer than
 * the dataset's last change is stored. While pending, the previous profile (of today's version) is
 * still returned, so the page shows figures while they are refreshed; `profile` is null when there
 * is none of today's version.
 */
export async function getDataset(
  tx: Tx,
  params: {
    tenantId: string;
    id: string /** False (viewers): personal columns' values are left out. */;
    canSeePersonal?: boolean;
  },
) {
  const [row] = await tx
    .select()
    .from(datasets)
    .where(and(eq(datasets.tenantId, params.tenantId), eq(datasets.id, params.id)));
  if (!row) throw new AppError("NOT_FOUND", "Dataset not found");
  const stored = row.profile as DatasetProfile | null;
  let profile = stored && stored.version === PROFILE_VERSION ? stored : null;
  if (profile && params.canSeePersonal === false) {
    const personal = await listPersonalKeys(tx, params.tenantId);
    profile = {
      ...profile,
      columns: profile.columns.map((c) => (personal.has(c.name) ? withoutValues(c) : c)),
    };
  }
  const isCurrent = profile !== null && row.profiledAt !== null && row.profiledAt >= row.updatedAt;
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
    profileStatus: (isCurrent ? "ready" : "pending") as "ready" | "pending",
  };
}

/** A personal column's profile with its counts only: no value, range, histogram or frequent value. */
function withoutValues(column: ColumnProfile): ColumnProfile {
  const { histogram: _h, topValues: _t, ...rest } = column;
  return { ...rest, min: null, median: null, max: null, mean: null };
}
