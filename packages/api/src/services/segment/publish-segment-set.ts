import type { Role } from "@strata/auth";
import { segmentSets, segments, type Tx } from "@strata/db";
import { eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { defaultSegmentColor } from "./palette.js";
import { getSucceededRun, publishableResult } from "./run-result.js";
import { approveVersion } from "./segment-review.js";
import { canApprove, snapshotOf, writeVersion } from "./segment-versions.js";

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
  role: Role;
  runId: string;
  name: string;
  description?: string | undefined;
  segments: PublishSegmentInput[];
}

/**
 * Turns a finished run into a segment set: one segment per segment of the run (noise too, for
 * DBSCAN) with its surrogate rules, the run's fitted model, and version 1. Published by someone who
 * may approve, it is approved at once and every customer the run assigned gets a membership; all in
 * the caller's transaction, so a set is either complete or absent. Segments the caller did not name
 * get the suggested name.
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

  const canApproveNow = await canApprove(tx, { tenantId, role: params.role });
  const [set] = await tx
    .insert(segmentSets)
    .values({
      tenantId,
      runId,
      name: params.name.trim(),
      description: params.description?.trim() || null,
      publishedBy: userId,
      updatedBy: userId,
      kind: "ml",
      version: 1,
      status: "in_review",
      approvedVersion: null,
      model: result.model,
    })
    .returning();
  if (!set) throw new Error("segment set insert returned nothing");
  await tx.insert(segments).values(
    rows.map((r) => ({
      ...r,
      segmentSetId: set.id,
      surrogateRules: r.position >= 0 ? (result.rules[r.position]?.structured ?? null) : null,
      surrogateText: r.position >= 0 ? (result.rules[r.position]?.text ?? null) : null,
      size: r.position >= 0 ? (result.sizes[r.position] ?? 0) : 0,
    })),
  );
  const snapshot = await snapshotOf(tx, {
    ...set,
    customerCount: result.sizes.reduce((a, b) => a + b, 0),
  });
  await writeVersion(tx, { set, userId, message: "Published", snapshot });
  await recordAuditEvent(tx, {
    tenantId,
    actorUserId: userId,
    action: "segment_set.published",
    targetType: "segment_set",
    targetId: set.id,
    details: { name: set.name, runId, segments: rows.length, version: 1 },
  });
  // Whoever may approve publishes approved; an editor's publish waits for an approver, and until
  // then the set has no members (exports, cost-to-serve and policies read approved versions only).
  if (canApproveNow) await approveVersion(tx, { set, userId, previousStatus: "in_review" });
  const [saved] = await tx.select().from(segmentSets).where(eq(segmentSets.id, set.id));
  const list = await tx.select().from(segments).where(eq(segments.segmentSetId, set.id));
  // The model stays server-side: the page needs to know there is one, not its numbers.
  const { model, ...view } = saved!;
  return {
    ...view,
    hasModel: model !== null,
    segments: list.sort((a, b) => a.position - b.position),
  };
}
