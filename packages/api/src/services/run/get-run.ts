import { type Run, runs, type Tx } from "@strata/db";
import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import type { MapSampleSizes } from "./run-view.js";

export async function getRun(tx: Tx, params: { tenantId: string; id: string }) {
  const [run] = await tx
    .select()
    .from(runs)
    .where(and(eq(runs.tenantId, params.tenantId), eq(runs.id, params.id)));
  if (!run) throw new AppError("NOT_FOUND", "Run not found");
  return run;
}

/** Length of a jsonb array, 0 for anything else (older documents lack the part). */
const arrayLength = (value: SQL) =>
  sql`case jsonb_typeof(${value}) when 'array' then jsonb_array_length(${value}) else 0 end`;

/**
 * A run for its page (toRunView): the result document without its map samples, which the database
 * leaves out and counts, so a page polled every second does not read, parse and send them each time.
 */
export async function getRunRow(tx: Tx, params: { tenantId: string; id: string }) {
  const [run] = await tx
    .select({
      ...getTableColumns(runs),
      result: sql<Run["result"]>`jsonb_set(${runs.result} - 'tsne', '{map,points}', '[]'::jsonb, false)`,
      mapSample: sql<MapSampleSizes>`jsonb_build_object('pca', ${arrayLength(sql`${runs.result} -> 'map' -> 'points'`)},
        'tsne', ${arrayLength(sql`${runs.result} -> 'tsne'`)})`,
    })
    .from(runs)
    .where(and(eq(runs.tenantId, params.tenantId), eq(runs.id, params.id)));
  if (!run) throw new AppError("NOT_FOUND", "Run not found");
  return run;
}
