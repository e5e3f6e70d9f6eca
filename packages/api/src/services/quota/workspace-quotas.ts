import { costToServeRuns, imports, memberships, runs, type Tx } from "@strata/db";
import { and, eq, inArray, isNotNull, ne, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { formatBytes } from "../import/format-bytes.js";
import { type Quotas, readQuotaEnv } from "./env.js";

/**
 * Serialises the quota checks of one workspace (or one user) until the transaction ends. Two parallel
 * requests both counting "9 of 10 queued" and both inserting would pass together; with the lock the
 * second counts after the first has inserted (or rolled back). A transaction-scoped advisory lock
 * needs no row to lock and no privilege on the tenants table, and works the same on PGlite.
 */
export async function lockQuota(tx: Tx, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`strata:quota:${key}`}, 0))`);
}

async function countOf(rows: Promise<Array<{ n: number | string }>>): Promise<number> {
  const [row] = await rows;
  return Number(row?.n ?? 0);
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** Before a run is queued (created or retried): the workspace's waiting runs stay under the quota. */
export async function assertRunQueueRoom(
  tx: Tx,
  params: { tenantId: string; quotas?: Quotas },
): Promise<void> {
  const { maxQueuedRuns } = params.quotas ?? readQuotaEnv();
  await lockQuota(tx, params.tenantId);
  const queued = await countOf(
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(runs)
      .where(and(eq(runs.tenantId, params.tenantId), eq(runs.status, "queued"))),
  );
  if (queued >= maxQueuedRuns) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `This workspace already has ${plural(queued, "run")} waiting to start, the most it may queue (${maxQueuedRuns}). Wait for some to start, or cancel one, then try again.`,
    );
  }
}

/** Before an import is queued: the workspace's imports in flight (queued or running) stay under the quota. */
export async function assertImportRoom(
  tx: Tx,
  params: { tenantId: string; importId: string; quotas?: Quotas },
): Promise<void> {
  const { maxImportsInFlight } = params.quotas ?? readQuotaEnv();
  await lockQuota(tx, params.tenantId);
  const inFlight = await countOf(
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(imports)
      .where(
        and(
          eq(imports.tenantId, params.tenantId),
          inArray(imports.status, ["queued", "running"]),
          ne(imports.id, params.importId),
        ),
      ),
  );
  if (inFlight >= maxImportsInFlight) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `This workspace already has ${plural(inFlight, "import")} queued or running, the most it may have at once (${maxImportsInFlight}). Start this one when one of them has finished.`,
    );
  }
}

/** Before a cost-to-serve run is queued: the workspace's waiting ones stay under the quota. */
export async function assertCostToServeRoom(
  tx: Tx,
  params: { tenantId: string; quotas?: Quotas },
): Promise<void> {
  const { maxQueuedCostToServeRuns } = params.quotas ?? readQuotaEnv();
  await lockQuota(tx, params.tenantId);
  const queued = await countOf(
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(costToServeRuns)
      .where(and(eq(costToServeRuns.tenantId, params.tenantId), eq(costToServeRuns.status, "queued"))),
  );
  if (queued >= maxQueuedCostToServeRuns) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `This workspace already has ${plural(queued, "cost-to-serve computation")} waiting to start, the most it may queue (${maxQueuedCostToServeRuns}). Wait for them to finish, then try again.`,
    );
  }
}

/** Bytes of uploaded files the workspace keeps (uploaded, not imported yet: the file is still on disk). */
export async function uploadBytesKept(tx: Tx, tenantId: string): Promise<number> {
  const [row] = await tx
    .select({ bytes: sql<string>`coalesce(sum(${imports.fileSize}), 0)::text` })
    .from(imports)
    .where(and(eq(imports.tenantId, tenantId), isNotNull(imports.uploadPath)));
  return Number(row?.bytes ?? 0);
}

export function uploadStorageError(kept: number, max: number): AppError {
  return new AppError(
    "PRECONDITION_FAILED",
    `This workspace keeps ${formatBytes(kept)} of uploaded files that are not imported yet, and may keep at most ${formatBytes(max)}. Import or re-upload fewer files (uploads not imported within a day are deleted), then try again.`,
    "file",
  );
}

/**
 * Before an upload is recorded (its size known): the workspace's kept uploads, this one included,
 * stay under the storage quota. Call in the transaction that records the import.
 */
export async function assertUploadStorageRoom(
  tx: Tx,
  params: { tenantId: string; bytes: number; quotas?: Quotas },
): Promise<void> {
  const { maxUploadStorageBytes } = params.quotas ?? readQuotaEnv();
  await lockQuota(tx, params.tenantId);
  const kept = await uploadBytesKept(tx, params.tenantId);
  if (kept + params.bytes > maxUploadStorageBytes) throw uploadStorageError(kept, maxUploadStorageBytes);
}

/**
 * Before a workspace is created: its owner owns fewer than the most allowed. Runs inside the new
 * workspace's `withTenant` transaction, which sees only that workspace's memberships, so the user's
 * own memberships are opened (read only, `memberships_read_own`) for the count and closed again.
 */
export async function assertWorkspaceRoom(
  tx: Tx,
  params: { userId: string; quotas?: Quotas },
): Promise<void> {
  const { maxOwnedWorkspaces } = params.quotas ?? readQuotaEnv();
  await lockQuota(tx, `user:${params.userId}`);
  await tx.execute(sql`select set_config('app.user_id', ${params.userId}, true)`);
  const owned = await countOf(
    tx
      .select({ n: sql<number>`count(*)::int` })
      .from(memberships)
      .where(and(eq(memberships.userId, params.userId), eq(memberships.role, "owner"))),
  );
  await tx.execute(sql`select set_config('app.user_id', '', true)`);
  if (owned >= maxOwnedWorkspaces) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `You already own ${plural(owned, "workspace")}, the most one person may own (${maxOwnedWorkspaces}). Delete one or hand its ownership to someone else, then try again.`,
    );
  }
}
