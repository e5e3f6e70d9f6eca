import type { RunMap } from "@strata/contract";
import { runs, type Tx } from "@strata/db";
import { and, eq, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { queryRows } from "../../jobs/run-data.js";

interface StoredPoint {
  customerId: string;
  x: number;
  y: number;
  z?: number;
  segment: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 1/1000 of a unit: far below a pixel of any map, and a third of the digits to send. */
const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * One map of a run's sample, column by column, with the customers' own ids (what hovering a point
 * names). Only that part of the stored document is read.
 */
export async function getRunMap(
  tx: Tx,
  params: { tenantId: string; id: string; method: "pca" | "tsne" },
): Promise<RunMap> {
  const part =
    params.method === "pca" ? sql`${runs.result} -> 'map' -> 'points'` : sql`${runs.result} -> 'tsne'`;
  const [run] = await tx
    .select({
      status: runs.status,
      points: sql<StoredPoint[] | null>`${part}`,
      explainedVariance: sql<number[] | null>`${runs.result} -> 'map' -> 'explainedVarianceRatio'`,
      pending: sql<boolean | null>`(${runs.result} ->> 'tsnePending')::boolean`,
    })
    .from(runs)
    .where(and(eq(runs.tenantId, params.tenantId), eq(runs.id, params.id)));
  if (!run) throw new AppError("NOT_FOUND", "Run not found");
  const points = Array.isArray(run.points) ? run.points : [];
  // Only customer uuids can name a customer (the first runs stored other ids).
  const ids = [...new Set(points.map((p) => p.customerId))].filter((id) => UUID.test(id));
  const external =
    ids.length === 0
      ? []
      : await queryRows<{ id: string; external_id: string }>(
          tx,
          sql`select id, external_id from customers
              where tenant_id = ${params.tenantId} and id = any(${`{${ids.join(",")}}`}::uuid[])`,
        );
  const externalOf = new Map(external.map((r) => [r.id, r.external_id]));
  const hasZ = params.method === "pca" && points.length > 0 && points.every((p) => typeof p.z === "number");
  return {
    method: params.method,
    explainedVariance:
      params.method === "pca" && Array.isArray(run.explainedVariance) ? run.explainedVariance : [],
    pending: params.method === "tsne" && points.length === 0 && run.pending === true,
    customerIds: points.map((p) => p.customerId),
    externalIds: points.map((p) => externalOf.get(p.customerId) ?? ""),
    x: points.map((p) => round(p.x)),
    y: points.map((p) => round(p.y)),
    z: hasZ ? points.map((p) => round(p.z!)) : null,
    segment: points.map((p) => p.segment),
  };
}
