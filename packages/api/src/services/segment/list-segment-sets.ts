import { segmentSets, segments, type Tx, users } from "@strata/db";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";

const segmentColumns = {
  id: segments.id,
  segmentSetId: segments.segmentSetId,
  position: segments.position,
  name: segments.name,
  description: segments.description,
  color: segments.color,
  size: segments.size,
  active: segments.active,
  surrogateText: segments.surrogateText,
  hasSurrogateRules: sql<boolean>`coalesce(jsonb_array_length(${segments.surrogateRules}), 0) > 0`,
};

const setColumns = {
  id: segmentSets.id,
  name: segmentSets.name,
  description: segmentSets.description,
  runId: segmentSets.runId,
  customerCount: segmentSets.customerCount,
  createdAt: segmentSets.createdAt,
  kind: segmentSets.kind,
  version: segmentSets.version,
  status: segmentSets.status,
  approvedVersion: segmentSets.approvedVersion,
  reviewNote: segmentSets.reviewNote,
  rule: segmentSets.rule,
  baseSegmentId: segmentSets.baseSegmentId,
  updatedAt: segmentSets.updatedAt,
  hasModel: sql<boolean>`${segmentSets.model} is not null`,
  publishedByName: users.name,
  publishedByEmail: users.email,
};

/** Every segment set of the tenant, newest first, with its segments. */
export async function listSegmentSets(tx: Tx, params: { tenantId: string }) {
  const sets = await tx
    .select(setColumns)
    .from(segmentSets)
    .leftJoin(users, eq(users.id, segmentSets.publishedBy))
    .where(eq(segmentSets.tenantId, params.tenantId))
    .orderBy(desc(segmentSets.createdAt), desc(segmentSets.id));
  if (sets.length === 0) return [];
  const all = await tx
    .select(segmentColumns)
    .from(segments)
    .where(
      and(
        eq(segments.tenantId, params.tenantId),
        inArray(
          segments.segmentSetId,
          sets.map((s) => s.id),
        ),
      ),
    )
    .orderBy(asc(segments.position));
  return sets.map((set) => ({
    ...set,
    segments: all.filter((s) => s.segmentSetId === set.id).sort(byPosition),
  }));
}

/** Noise (position -1) last, as people read a list of segments. */
function byPosition(a: { position: number }, b: { position: number }) {
  const pa = a.position < 0 ? Number.MAX_SAFE_INTEGER : a.position;
  const pb = b.position < 0 ? Number.MAX_SAFE_INTEGER : b.position;
  return pa - pb;
}

export async function getSegmentSet(tx: Tx, params: { tenantId: string; id: string }) {
  const [set] = await tx
    .select(setColumns)
    .from(segmentSets)
    .leftJoin(users, eq(users.id, segmentSets.publishedBy))
    .where(and(eq(segmentSets.tenantId, params.tenantId), eq(segmentSets.id, params.id)));
  if (!set) throw new AppError("NOT_FOUND", "Segment set not found");
  const list = await tx
    .select(segmentColumns)
    .from(segments)
    .where(and(eq(segments.tenantId, params.tenantId), eq(segments.segmentSetId, set.id)));
  return { ...set, segments: list.sort(byPosition) };
}

export async function getSegment(tx: Tx, params: { tenantId: string; id: string }) {
  const [segment] = await tx
    .select({
      ...segmentColumns,
      setName: segmentSets.name,
      setCustomerCount: segmentSets.customerCount,
      approvedVersion: segmentSets.approvedVersion,
      setKind: segmentSets.kind,
    })
    .from(segments)
    .innerJoin(segmentSets, eq(segmentSets.id, segments.segmentSetId))
    .where(and(eq(segments.tenantId, params.tenantId), eq(segments.id, params.id)));
  if (!segment) throw new AppError("NOT_FOUND", "Segment not found");
  return segment;
}
