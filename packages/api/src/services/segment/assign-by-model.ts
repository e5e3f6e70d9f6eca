import { assign, CoreInputError, parseModel } from "@strata/core";
import { rawRows, segmentSets, type Tx } from "@strata/db";
import { and, eq, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { mappingOf, refreshSizes, versionSnapshot } from "./segment-versions.js";

/** Customers read, assigned and written per round: a few MB of features. */
const ASSIGN_BATCH = 5_000;

/**
 * Gives every customer of the workspace without a membership in an approved ML set (new since the
 * run, or left out of it for missing values) the segment the set's fitted model assigns, with its
 * distance and confidence, marked `model` so pages tell them from the run's own members. Missing
 * features take the model's fill values; a customer with none of the model's features stays out.
 */
export async function assignByModel(tx: Tx, params: { tenantId: string; setId: string }) {
  const [set] = await tx
    .select()
    .from(segmentSets)
    .where(and(eq(segmentSets.tenantId, params.tenantId), eq(segmentSets.id, params.setId)));
  if (!set) throw new AppError("NOT_FOUND", "Segment set not found");
  if (set.kind !== "ml")
    throw new AppError("BAD_REQUEST", "Only a set published from a run has a model to assign with.");
  if (!set.model)
    throw new AppError(
      "PRECONDITION_FAILED",
      "This set was published before Strata kept the fitted model: re-publish it from a run to assign new customers.",
    );
  if (set.approvedVersion === null)
    throw new AppError(
      "PRECONDITION_FAILED",
      "Approve a version of this set before assigning customers to it.",
    );
  let model: ReturnType<typeof parseModel>;
  try {
    model = parseModel(set.model);
  } catch (error) {
    if (error instanceof CoreInputError)
      throw new AppError("PRECONDITION_FAILED", `The set's stored model cannot be read: ${error.message}`);
    throw error;
  }
  const snapshot = await versionSnapshot(tx, { ...params, version: set.approvedVersion });
  const segmentOf = new Map(mappingOf(snapshot).map((m) => [m.cluster, m.segmentId]));
  const d = model.features.length;
  let last = "00000000-0000-0000-0000-000000000000";
  let assigned = 0;
  let skipped = 0;
  for (;;) {
    const rows = await rawRows<{ id: string; features: Record<string, unknown> | null }>(
      tx,
      sql`
        select c.id, f.features from customers c
        left join customer_features f on f.customer_id = c.id
        where c.tenant_id = ${params.tenantId} and c.id > ${last}::uuid
          and not exists (select 1 from segment_memberships m
                          where m.segment_set_id = ${set.id} and m.customer_id = c.id)
        order by c.id limit ${ASSIGN_BATCH}`,
    );
    if (rows.length === 0) break;
    last = rows.at(-1)!.id;
    const keep: string[] = [];
    const data: number[] = [];
    for (const row of rows) {
      const values = model.features.map((feature) => {
        const v = row.features?.[feature];
        const x =
          typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
        return Number.isFinite(x) ? x : Number.NaN;
      });
      if (values.every(Number.isNaN) || (!model.fill && values.some(Number.isNaN))) {
        skipped++;
        continue;
      }
      keep.push(row.id);
      data.push(...values);
    }
    if (keep.length > 0) {
      const result = assign(model, { data: Float64Array.from(data), n: keep.length, d });
      const members = keep.flatMap((customerId, i) => {
        const segmentId = segmentOf.get(result.labels[i]!);
        return segmentId
          ? [
              {
                customer_id: customerId,
                segment_id: segmentId,
                distance: result.distances[i]!,
                confidence: result.confidence[i]!,
              },
            ]
          : [];
      });
      await tx.execute(sql`
        insert into segment_memberships (segment_set_id, customer_id, segment_id, tenant_id, assigned_at, source, distance, confidence)
        select ${set.id}, m.customer_id, m.segment_id, ${params.tenantId}, now(), 'model', m.distance, m.confidence
        from jsonb_to_recordset(${JSON.stringify(members)}::jsonb)
          as m(customer_id uuid, segment_id uuid, distance float8, confidence float8)`);
      assigned += members.length;
    }
    if (rows.length < ASSIGN_BATCH) break;
  }
  if (assigned > 0) await refreshSizes(tx, set);
  return { assigned, skipped };
}
