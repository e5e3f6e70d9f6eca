import { rawRows, segmentSets, segments, type Tx } from "@strata/db";
import { and, eq, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { defaultSegmentColor } from "./palette.js";
import { getSucceededRun, publishableResult } from "./run-result.js";
import {
  assertCurrentVersion,
  describeChanges,
  lockSegmentSet,
  snapshotOf,
  writeVersion,
} from "./segment-versions.js";

/**
 * How a run's clusters overlap the segments of a set (customers in both), and a suggested mapping:
 * each segment takes the cluster that holds most of its members, biggest overlaps first; a cluster
 * no segment takes becomes a new segment.
 */
export async function suggestRepublish(tx: Tx, params: { tenantId: string; setId: string; runId: string }) {
  const [set] = await tx
    .select()
    .from(segmentSets)
    .where(and(eq(segmentSets.tenantId, params.tenantId), eq(segmentSets.id, params.setId)));
  if (!set) throw new AppError("NOT_FOUND", "Segment set not found");
  if (set.kind !== "ml") throw new AppError("BAD_REQUEST", "A rule segment is not published from a run.");
  const run = await getSucceededRun(tx, { tenantId: params.tenantId, runId: params.runId });
  const result = publishableResult(run.result ?? {});
  const list = await tx
    .select()
    .from(segments)
    .where(and(eq(segments.tenantId, params.tenantId), eq(segments.segmentSetId, set.id)));
  const overlap = await rawRows<{ cluster: number; segment_id: string; n: number }>(
    tx,
    sql`select ra.segment as cluster, m.segment_id, count(*)::int as n
        from run_assignments ra
        join segment_memberships m on m.customer_id = ra.customer_id and m.segment_set_id = ${set.id}
        where ra.run_id = ${params.runId} and ra.tenant_id = ${params.tenantId}
        group by 1, 2`,
  );
  const clusters = Array.from({ length: result.k }, (_, c) => c);
  if (result.hasNoise) clusters.push(-1);
  const pairs = [...overlap].sort((a, b) => b.n - a.n);
  const taken = new Map<number, string>();
  const used = new Set<string>();
  for (const p of pairs) {
    if (taken.has(p.cluster) || used.has(p.segment_id)) continue;
    taken.set(p.cluster, p.segment_id);
    used.add(p.segment_id);
  }
  const nameOf = new Map(list.map((s) => [s.id, s.name]));
  return {
    setId: set.id,
    version: set.version,
    runId: params.runId,
    segments: list
      .sort((a, b) => a.position - b.position)
      .map((s) => ({ id: s.id, name: s.name, color: s.color, size: s.size, active: s.active })),
    clusters: clusters.map((cluster) => ({
      cluster,
      size: cluster >= 0 ? (result.sizes[cluster] ?? 0) : 0,
      suggestedName:
        cluster >= 0 ? (result.names[cluster] ?? `Segment ${cluster + 1}`) : "Unassigned (noise)",
      overlaps: overlap
        .filter((o) => o.cluster === cluster)
        .sort((a, b) => b.n - a.n)
        .map((o) => ({ segmentId: o.segment_id, name: nameOf.get(o.segment_id) ?? "?", customers: o.n })),
      suggestedSegmentId: taken.get(cluster) ?? null,
    })),
  };
}

export interface RepublishParams {
  tenantId: string;
  userId: string;
  setId: string;
  runId: string;
  baseVersion: number;
  message: string;
  /** Every cluster of the run once: onto an existing segment of the set, or a new one (segmentId null). */
  mapping: Array<{ cluster: number; segmentId: string | null; name?: string | undefined }>;
}

/**
 * Publishes a new run into an existing set as a new draft version: clusters mapped onto the set's
 * segments keep those segments' ids (and so whatever hangs on them), unmapped clusters become new
 * segments, segments no cluster maps to are retired (kept, with no members). Memberships change when
 * the version is approved.
 */
export async function republishSegmentSet(tx: Tx, params: RepublishParams) {
  const set = await lockSegmentSet(tx, params);
  if (set.kind !== "ml") throw new AppError("BAD_REQUEST", "A rule segment is not published from a run.");
  await assertCurrentVersion(tx, set, params.baseVersion);
  const run = await getSucceededRun(tx, { tenantId: params.tenantId, runId: params.runId });
  const result = publishableResult(run.result ?? {});
  const clusters = Array.from({ length: result.k }, (_, c) => c);
  if (result.hasNoise) clusters.push(-1);
  const list = await tx
    .select()
    .from(segments)
    .where(and(eq(segments.tenantId, params.tenantId), eq(segments.segmentSetId, set.id)));
  const ids = new Set(list.map((s) => s.id));
  const seenClusters = new Set<number>();
  const seenSegments = new Set<string>();
  for (const m of params.mapping) {
    if (!clusters.includes(m.cluster))
      throw new AppError("BAD_REQUEST", `The run has no segment ${m.cluster + 1}.`, "mapping");
    if (seenClusters.has(m.cluster))
      throw new AppError("BAD_REQUEST", `Segment ${m.cluster + 1} of the run is mapped twice.`, "mapping");
    seenClusters.add(m.cluster);
    if (m.segmentId !== null) {
      if (!ids.has(m.segmentId))
        throw new AppError("BAD_REQUEST", "That segment is not in this set.", "mapping");
      if (seenSegments.has(m.segmentId))
        throw new AppError(
          "BAD_REQUEST",
          "Two clusters are mapped onto one segment: merge them in the run instead.",
          "mapping",
        );
      seenSegments.add(m.segmentId);
    }
  }
  const missing = clusters.filter((c) => !seenClusters.has(c));
  if (missing.length > 0)
    throw new AppError(
      "BAD_REQUEST",
      `Say where segment ${missing.map((c) => c + 1).join(", ")} of the run goes (an existing segment or a new one).`,
      "mapping",
    );
  const before = await snapshotOf(tx, set);
  let position = Math.max(-1, ...list.map((s) => s.position)) + 1;
  const names = new Set(list.map((s) => s.name.toLowerCase()));
  const mapping: Array<{ cluster: number; segmentId: string }> = [];
  const sizeOf = new Map<string, number>();
  for (const m of params.mapping) {
    const rules = m.cluster >= 0 ? result.rules[m.cluster] : undefined;
    let segmentId = m.segmentId;
    if (segmentId === null) {
      let name =
        m.name?.trim() ||
        (m.cluster >= 0 ? (result.names[m.cluster] ?? `Segment ${m.cluster + 1}`) : "Unassigned (noise)");
      while (names.has(name.toLowerCase())) name = `${name} (new)`;
      names.add(name.toLowerCase());
      const [created] = await tx
        .insert(segments)
        .values({
          tenantId: params.tenantId,
          segmentSetId: set.id,
          position: position++,
          name,
          color: defaultSegmentColor(position - 1),
          size: 0,
          surrogateRules: rules?.structured ?? null,
          surrogateText: rules?.text ?? null,
        })
        .returning({ id: segments.id });
      segmentId = created!.id;
    } else if (rules) {
      await tx
        .update(segments)
        .set({ surrogateRules: rules.structured, surrogateText: rules.text })
        .where(eq(segments.id, segmentId));
    }
    mapping.push({ cluster: m.cluster, segmentId });
    sizeOf.set(segmentId, m.cluster >= 0 ? (result.sizes[m.cluster] ?? 0) : 0);
  }
  const [saved] = await tx
    .update(segmentSets)
    .set({
      runId: params.runId,
      model: result.model,
      version: set.version + 1,
      status: "draft",
      reviewNote: null,
      updatedBy: params.userId,
      updatedAt: new Date(),
    })
    .where(eq(segmentSets.id, set.id))
    .returning();
  const current = await snapshotOf(
    tx,
    saved!,
    mapping.sort((a, b) => a.cluster - b.cluster),
  );
  // The version records the sizes it will have once approved (the run's), not today's memberships.
  const after = {
    ...current,
    customerCount: result.sizes.reduce((a, b) => a + b, 0),
    segments: current.segments.map((s) => ({ ...s, size: sizeOf.get(s.id) ?? 0, active: sizeOf.has(s.id) })),
  };
  const message = params.message.trim() || "Re-published from a new run";
  await writeVersion(tx, { set: saved!, userId: params.userId, message, snapshot: after });
  const changes = describeChanges(before, after);
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "segment_set.republished",
    targetType: "segment_set",
    targetId: set.id,
    details: { version: saved!.version, runId: params.runId, message, changes },
  });
  return { id: set.id, version: saved!.version, status: saved!.status, changes };
}
