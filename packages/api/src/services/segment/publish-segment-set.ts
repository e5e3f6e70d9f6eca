import { segmentMemberships, segmentSets, segments, type Tx } from "@strata/db";
import { eq, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { queryRows } from "../../jobs/run-data.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { defaultSegmentColor } from "./palette.js";
import { getSucceededRun, publishableResult } from "./run-result.js";

export interface PublishSegmentInput {
  /** The run's segment index (-1: DBSCAN noise). */
  position: number;
  name: string;
  description?: string | undefined;
  color?: string | undefined;
}

export interface PublishSegmentSetParams {
  tenantId: string;
  userId: string;
  runId: string;
  name: string;
  description?: string | undefined;
  segments: PublishSegmentInput[];
}

/**
 * Turns a finished run into a segment set: one segment per segment of the run (noise too, for
 * DBSCAN), and a membership for every customer the run assigned, all in the caller's transaction, so
 * a set is either complete or absent. Segments the caller did not name get the suggested name.
 */
export async function publishSegmentSet(tx: Tx, params: PublishSegmentSetParams) {
  const { tenantId, userId, runId } = params;
  const run = await getSucceededRun(tx, { tenantId, runId });
  const result = publishableResult(run.result ?? {});
  const positions = Array.from({ length: result.k }, (_, s) => s);
  if (result.hasNoise) positions.push(-1);
  const given = new Map<number, PublishSegmentInput>();
  for (const s of params.segments) {
    if (!positions.includes(s.position)) {
      throw new AppError("BAD_REQUEST", `This run has no segment ${s.position + 1}.`, "segments");
    }
    if (given.has(s.position)) {
      throw new AppError("BAD_REQUEST", `Segment ${s.position + 1} is named twice.`, "segments");
    }
    given.set(s.position, s);
  }
  const rows = positions.map((position) => {
    const s = given.get(position);
    const fallback =
      position < 0 ? "Unassigned (noise)" : (result.names[position] ?? `Segment ${position + 1}`);
    return {
      tenantId,
      position,
      name: s?.name.trim() || fallback,
      description: s?.description?.trim() || null,
      color: s?.color ?? defaultSegmentColor(position),
    };
  });
  const names = new Set<string>();
  for (const r of rows) {
    const key = r.name.toLowerCase();
    if (names.has(key))
      throw new AppError(
        "BAD_REQUEST",
        `Two segments are called "${r.name}": give each its own name.`,
        "segments",
      );
    names.add(key);
  }

  const [set] = await tx
    .insert(segmentSets)
    .values({
      tenantId,
      runId,
      name: params.name.trim(),
      description: params.description?.trim() || null,
      publishedBy: userId,
    })
    .returning();
  if (!set) throw new Error("segment set insert returned nothing");
  const inserted = await tx
    .insert(segments)
    .values(rows.map((r) => ({ ...r, segmentSetId: set.id })))
    .returning();

  // Every customer of the run in one statement: the assignments never leave the database.
  await tx.execute(sql`
    insert into ${segmentMemberships} (segment_set_id, customer_id, segment_id, tenant_id, assigned_at)
    select ${set.id}, ra.customer_id, s.id, ra.tenant_id, now()
    from run_assignments ra
    join segments s on s.segment_set_id = ${set.id} and s.position = ra.segment
    where ra.run_id = ${runId} and ra.tenant_id = ${tenantId}`);
  const counts = await queryRows<{ segment_id: string; n: number | string }>(
    tx,
    sql`select segment_id, count(*)::int as n from segment_memberships
        where segment_set_id = ${set.id} group by segment_id`,
  );
  const sizeOf = new Map(counts.map((c) => [c.segment_id, Number(c.n)]));
  let total = 0;
  for (const s of inserted) {
    const size = sizeOf.get(s.id) ?? 0;
    total += size;
    await tx.update(segments).set({ size }).where(eq(segments.id, s.id));
    s.size = size;
  }
  await tx.update(segmentSets).set({ customerCount: total }).where(eq(segmentSets.id, set.id));
  await recordAuditEvent(tx, {
    tenantId,
    actorUserId: userId,
    action: "segment_set.published",
    targetType: "segment_set",
    targetId: set.id,
    details: { name: set.name, runId, segments: inserted.length, customers: total },
  });
  return {
    ...set,
    customerCount: total,
    segments: inserted.sort((a, b) => a.position - b.position),
  };
}
