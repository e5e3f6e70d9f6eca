import type { RunList } from "@strata/contract";
import { runs, type Tx } from "@strata/db";
import { and, desc, eq, lt, or } from "drizzle-orm";
import { toRunSummary } from "./run-view.js";

/** Newest first, without the (large) result document: the list page shows status, progress and metrics. */
export async function listRuns(
  tx: Tx,
  params: { tenantId: string; limit: number; cursor?: { createdAt: Date; id: string } | undefined },
): Promise<RunList> {
  const { tenantId, limit, cursor } = params;
  const rows = await tx
    .select({
      id: runs.id,
      name: runs.name,
      config: runs.config,
      status: runs.status,
      progress: runs.progress,
      metrics: runs.metrics,
      error: runs.error,
      attempt: runs.attempt,
      timings: runs.timings,
      createdBy: runs.createdBy,
      createdAt: runs.createdAt,
      startedAt: runs.startedAt,
      finishedAt: runs.finishedAt,
    })
    .from(runs)
    .where(
      and(
        eq(runs.tenantId, tenantId),
        cursor
          ? or(
              lt(runs.createdAt, cursor.createdAt),
              and(eq(runs.createdAt, cursor.createdAt), lt(runs.id, cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(toRunSummary),
    nextCursor: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}
