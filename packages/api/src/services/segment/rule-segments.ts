import type { SegmentRule } from "@strata/contract";
import { segmentSets, segments, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { buildFieldCatalogue } from "../segment-rules/build-field-catalogue.js";
import { assertValidRule } from "../segment-rules/compile-rule-sql.js";
import { previewRule } from "../segment-rules/preview-rule.js";
import { defaultSegmentColor } from "./palette.js";
import {
  assertCurrentVersion,
  describeChanges,
  lockSegmentSet,
  snapshotOf,
  writeVersion,
} from "./segment-versions.js";

/** A hybrid's base must be an ML segment of this workspace. */
async function assertBaseSegment(tx: Tx, tenantId: string, baseSegmentId: string | null | undefined) {
  if (!baseSegmentId) return;
  const [base] = await tx
    .select({ kind: segmentSets.kind })
    .from(segments)
    .innerJoin(segmentSets, eq(segmentSets.id, segments.segmentSetId))
    .where(and(eq(segments.tenantId, tenantId), eq(segments.id, baseSegmentId)));
  if (!base)
    throw new AppError("BAD_REQUEST", "The base segment was not found in this workspace.", "baseSegmentId");
  if (base.kind !== "ml")
    throw new AppError(
      "BAD_REQUEST",
      "A hybrid segment narrows an ML segment, not another rule segment.",
      "baseSegmentId",
    );
}

/** How many customers a rule matches now (the size a version records). */
async function matching(tx: Tx, tenantId: string, rule: SegmentRule, baseSegmentId: string | null) {
  const preview = await previewRule(tx, {
    tenantId,
    rule,
    ...(baseSegmentId ? { baseSegmentId } : {}),
  });
  return preview.matching;
}

/**
 * A new rule segment (or a hybrid: an ML segment narrowed by the rule) as a draft, version 1. Its
 * members are set when a version is approved.
 */
export async function createRuleSegment(
  tx: Tx,
  params: {
    tenantId: string;
    userId: string;
    name: string;
    description?: string | undefined;
    color?: string | undefined;
    rule: SegmentRule;
    baseSegmentId?: string | undefined;
  },
) {
  const name = params.name.trim();
  if (!name) throw new AppError("BAD_REQUEST", "Give the segment a name.", "name");
  assertValidRule(params.rule, await buildFieldCatalogue(tx, params.tenantId));
  await assertBaseSegment(tx, params.tenantId, params.baseSegmentId);
  const [set] = await tx
    .insert(segmentSets)
    .values({
      tenantId: params.tenantId,
      name,
      description: params.description?.trim() || null,
      publishedBy: params.userId,
      updatedBy: params.userId,
      kind: "rule",
      version: 1,
      status: "draft",
      approvedVersion: null,
      rule: params.rule as unknown as Record<string, unknown>,
      baseSegmentId: params.baseSegmentId ?? null,
    })
    .returning();
  const size = await matching(tx, params.tenantId, params.rule, params.baseSegmentId ?? null);
  await tx.insert(segments).values({
    tenantId: params.tenantId,
    segmentSetId: set!.id,
    position: 0,
    name,
    description: params.description?.trim() || null,
    color: params.color ?? defaultSegmentColor(0),
    size: 0,
  });
  const snapshot = await snapshotOf(tx, set!);
  snapshot.customerCount = size;
  for (const s of snapshot.segments) s.size = size;
  await writeVersion(tx, { set: set!, userId: params.userId, message: "Created", snapshot });
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "segment_set.created",
    targetType: "segment_set",
    targetId: set!.id,
    details: { name, kind: "rule", version: 1, after: { rule: params.rule, matching: size } },
  });
  return { id: set!.id, version: 1, status: "draft" as const, matching: size };
}

/** Saves a changed rule (and name) of a rule segment as a new draft version. */
export async function editRuleSegment(
  tx: Tx,
  params: {
    tenantId: string;
    userId: string;
    setId: string;
    baseVersion: number;
    message: string;
    name?: string | undefined;
    rule: SegmentRule;
    baseSegmentId?: string | null | undefined;
  },
) {
  const set = await lockSegmentSet(tx, params);
  if (set.kind !== "rule")
    throw new AppError("BAD_REQUEST", "Only a rule segment has a rule to edit.", "rule");
  await assertCurrentVersion(tx, set, params.baseVersion);
  assertValidRule(params.rule, await buildFieldCatalogue(tx, params.tenantId));
  const baseSegmentId = params.baseSegmentId === undefined ? set.baseSegmentId : params.baseSegmentId;
  await assertBaseSegment(tx, params.tenantId, baseSegmentId);
  const before = await snapshotOf(tx, set);
  const name = params.name?.trim() || set.name;
  const [saved] = await tx
    .update(segmentSets)
    .set({
      name,
      rule: params.rule as unknown as Record<string, unknown>,
      baseSegmentId,
      version: set.version + 1,
      status: "draft",
      reviewNote: null,
      updatedBy: params.userId,
      updatedAt: new Date(),
    })
    .where(eq(segmentSets.id, set.id))
    .returning();
  await tx
    .update(segments)
    .set({ name })
    .where(and(eq(segments.segmentSetId, set.id), eq(segments.tenantId, params.tenantId)));
  const size = await matching(tx, params.tenantId, params.rule, baseSegmentId);
  const after = await snapshotOf(tx, saved!);
  after.customerCount = size;
  for (const s of after.segments) s.size = size;
  const changes = describeChanges(before, after);
  if (changes.length === 0) throw new AppError("BAD_REQUEST", "Nothing changed: there is nothing to save.");
  const message = params.message.trim() || changes[0]!;
  await writeVersion(tx, { set: saved!, userId: params.userId, message, snapshot: after });
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "segment_set.edited",
    targetType: "segment_set",
    targetId: set.id,
    details: {
      version: saved!.version,
      message,
      changes,
      before: { rule: before.rule, matching: before.customerCount },
      after: { rule: params.rule, matching: size },
    },
  });
  return { id: set.id, version: saved!.version, status: "draft" as const, matching: size, changes };
}

/**
 * A rule that starts from an ML segment's surrogate rules: their paths OR-ed, each path's
 * conditions AND-ed, on the customers' features. The builder opens with it.
 */
export async function ruleFromSurrogate(tx: Tx, params: { tenantId: string; segmentId: string }) {
  const [segment] = await tx
    .select({ name: segments.name, rules: segments.surrogateRules, setName: segmentSets.name })
    .from(segments)
    .innerJoin(segmentSets, eq(segmentSets.id, segments.segmentSetId))
    .where(and(eq(segments.tenantId, params.tenantId), eq(segments.id, params.segmentId)));
  if (!segment) throw new AppError("NOT_FOUND", "Segment not found");
  const paths = (segment.rules ?? []).filter((r) => r.conditions.length > 0);
  if (paths.length === 0)
    throw new AppError(
      "PRECONDITION_FAILED",
      "This segment has no surrogate rules to start from (it was published before rules were kept, or no rule describes it).",
    );
  const group = (r: (typeof paths)[number]): SegmentRule => ({
    op: "and",
    conditions: r.conditions.map((c) => ({
      field: { source: "feature" as const, name: c.feature },
      operator: c.operator === "<=" ? ("lte" as const) : ("gt" as const),
      value: c.threshold,
    })),
  });
  const rule: SegmentRule =
    paths.length === 1 ? group(paths[0]!) : { op: "or", conditions: paths.map(group) };
  return { name: `${segment.name} (rule)`, rule };
}
