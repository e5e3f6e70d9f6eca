import type { Role } from "@strata/auth";
import {
  type Database,
  type SegmentSetSnapshot,
  segmentMemberships,
  segmentSets,
  segments,
  type Tx,
  withTenant,
} from "@strata/db";
import { and, eq, isNotNull, or, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { buildFieldCatalogue } from "../segment-rules/build-field-catalogue.js";
import { compileRuleSql } from "../segment-rules/compile-rule-sql.js";
import { assignByModel } from "./assign-by-model.js";
import {
  canApprove,
  lockSegmentSet,
  mappingOf,
  refreshSizes,
  type SegmentSetRow,
  versionSnapshot,
} from "./segment-versions.js";

interface ReviewParams {
  tenantId: string;
  userId: string;
  role: Role;
  setId: string;
  /** The version the reviewer looked at: approving a newer one they have not seen is refused. */
  version: number;
}

function assertVersion(set: SegmentSetRow, version: number) {
  if (set.version !== version)
    throw new AppError(
      "CONFLICT",
      `Version ${set.version} was saved after the version ${version} you reviewed: look at it first.`,
      "version",
    );
}

/** A draft goes to review: approvers see it in their queue. */
export async function submitForReview(tx: Tx, params: ReviewParams) {
  const set = await lockSegmentSet(tx, params);
  assertVersion(set, params.version);
  if (set.status !== "draft")
    throw new AppError(
      "PRECONDITION_FAILED",
      set.status === "in_review" ? "This version is already in review." : "This version is already approved.",
    );
  await tx
    .update(segmentSets)
    .set({ status: "in_review", reviewNote: null, updatedAt: new Date() })
    .where(eq(segmentSets.id, set.id));
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "segment_set.review_requested",
    targetType: "segment_set",
    targetId: set.id,
    details: {
      name: set.name,
      version: set.version,
      before: { status: set.status },
      after: { status: "in_review" },
    },
  });
  return { id: set.id, version: set.version, status: "in_review" as const };
}

async function assertApprover(tx: Tx, params: ReviewParams) {
  if (!(await canApprove(tx, params)))
    throw new AppError(
      "FORBIDDEN",
      params.role === "editor"
        ? "Editors may not approve segment definitions in this workspace: an admin or owner approves (or turns on 'Editors can approve' in Settings)."
        : "Only admins and owners approve segment definitions.",
    );
}

/**
 * Approves the version in review: its memberships become the set's (rebuilt from its run and cluster
 * mapping, or by evaluating its rule in the database), and exports, cost-to-serve and policies use
 * them from now on.
 */
export async function approveSegmentSet(tx: Tx, params: ReviewParams) {
  await assertApprover(tx, params);
  const set = await lockSegmentSet(tx, params);
  assertVersion(set, params.version);
  if (set.status !== "in_review")
    throw new AppError(
      "PRECONDITION_FAILED",
      set.status === "draft"
        ? "Ask for review before approving this version."
        : "This version is already approved.",
    );
  return approveVersion(tx, { set, userId: params.userId, previousStatus: set.status });
}

/** Makes the set's latest version the approved one and rebuilds its memberships when they changed. */
export async function approveVersion(
  tx: Tx,
  params: { set: SegmentSetRow; userId: string; previousStatus: string },
) {
  const { set } = params;
  const target = await versionSnapshot(tx, { tenantId: set.tenantId, setId: set.id, version: set.version });
  const previous =
    set.approvedVersion !== null
      ? await versionSnapshot(tx, { tenantId: set.tenantId, setId: set.id, version: set.approvedVersion })
      : null;
  const sameMembers =
    previous !== null &&
    previous.runId === target.runId &&
    JSON.stringify(previous.rule) === JSON.stringify(target.rule) &&
    previous.baseSegmentId === target.baseSegmentId &&
    JSON.stringify(mappingOf(previous)) === JSON.stringify(mappingOf(target));
  if (!sameMembers) await materialize(tx, set, target);
  await tx
    .update(segmentSets)
    .set({ status: "approved", approvedVersion: set.version, reviewNote: null, updatedAt: new Date() })
    .where(eq(segmentSets.id, set.id));
  const [fresh] = await tx.select().from(segmentSets).where(eq(segmentSets.id, set.id));
  await recordAuditEvent(tx, {
    tenantId: set.tenantId,
    actorUserId: params.userId,
    action: "segment_set.approved",
    targetType: "segment_set",
    targetId: set.id,
    details: {
      name: set.name,
      version: set.version,
      before: { status: params.previousStatus, approvedVersion: set.approvedVersion },
      after: { status: "approved", approvedVersion: set.version, customers: fresh!.customerCount },
    },
  });
  return {
    id: set.id,
    version: set.version,
    status: "approved" as const,
    customerCount: fresh!.customerCount,
  };
}

/** Back to draft, with the reason the author reads. */
export async function sendBackSegmentSet(tx: Tx, params: ReviewParams & { reason: string }) {
  await assertApprover(tx, params);
  const reason = params.reason.trim();
  if (!reason)
    throw new AppError(
      "BAD_REQUEST",
      "Say why the version goes back, so its author knows what to change.",
      "reason",
    );
  const set = await lockSegmentSet(tx, params);
  assertVersion(set, params.version);
  if (set.status !== "in_review")
    throw new AppError("PRECONDITION_FAILED", "Only a version in review can be sent back.");
  await tx
    .update(segmentSets)
    .set({ status: "draft", reviewNote: reason, updatedAt: new Date() })
    .where(eq(segmentSets.id, set.id));
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "segment_set.sent_back",
    targetType: "segment_set",
    targetId: set.id,
    details: {
      name: set.name,
      version: set.version,
      reason,
      before: { status: "in_review" },
      after: { status: "draft" },
    },
  });
  return { id: set.id, version: set.version, status: "draft" as const };
}

/**
 * After new data (an import): approved rule segments are evaluated again on today's customers, and
 * customers new to an approved ML set with a model get their segment from it. Each set in its own
 * step, so one that cannot be refreshed (a rule naming a field the data no longer has) leaves the
 * others done; the messages say which.
 */
export async function refreshApprovedMemberships(database: Database, tenantId: string): Promise<string[]> {
  const sets = await withTenant(database.db, tenantId, (tx) =>
    tx
      .select({ id: segmentSets.id, name: segmentSets.name, kind: segmentSets.kind })
      .from(segmentSets)
      .where(
        and(
          eq(segmentSets.tenantId, tenantId),
          isNotNull(segmentSets.approvedVersion),
          or(eq(segmentSets.kind, "rule"), isNotNull(segmentSets.model)),
        ),
      ),
  );
  const problems: string[] = [];
  for (const s of sets) {
    try {
      await withTenant(database.db, tenantId, async (tx) => {
        const set = await lockSegmentSet(tx, { tenantId, setId: s.id });
        if (set.approvedVersion === null) return;
        if (set.kind === "rule") {
          const approved = await versionSnapshot(tx, {
            tenantId,
            setId: set.id,
            version: set.approvedVersion,
          });
          await materialize(tx, set, approved);
        } else {
          await assignByModel(tx, { tenantId, setId: set.id });
        }
      });
    } catch (error) {
      problems.push(`"${s.name}" could not be refreshed: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** Rebuilds the set's memberships for a version, in the database, then the sizes. */
async function materialize(tx: Tx, set: SegmentSetRow, target: SegmentSetSnapshot) {
  await tx.delete(segmentMemberships).where(eq(segmentMemberships.segmentSetId, set.id));
  if (set.kind === "rule") {
    const [segment] = await tx
      .select({ id: segments.id })
      .from(segments)
      .where(and(eq(segments.segmentSetId, set.id), eq(segments.tenantId, set.tenantId)));
    if (!segment) throw new Error(`rule set ${set.id} has no segment`);
    const catalogue = await buildFieldCatalogue(tx, set.tenantId);
    const where = compileRuleSql(target.rule, catalogue, new Date());
    const base = target.baseSegmentId
      ? sql`and exists (select 1 from segment_memberships b where b.segment_id = ${target.baseSegmentId} and b.customer_id = c.id)`
      : sql``;
    await tx.execute(sql`
      insert into segment_memberships (segment_set_id, customer_id, segment_id, tenant_id, assigned_at, source)
      select ${set.id}, c.id, ${segment.id}, c.tenant_id, now(), 'rule'
      from customers c left join customer_features f on f.customer_id = c.id
      where c.tenant_id = ${set.tenantId} and (${where}) ${base}`);
  } else {
    if (!target.runId)
      throw new AppError(
        "PRECONDITION_FAILED",
        "The run this version was published from was deleted: re-publish from a run.",
      );
    const mapping = mappingOf(target);
    await tx.execute(sql`
      insert into segment_memberships (segment_set_id, customer_id, segment_id, tenant_id, assigned_at, source)
      select ${set.id}, ra.customer_id, m.segment_id, ra.tenant_id, now(), 'run'
      from run_assignments ra
      join jsonb_to_recordset(${JSON.stringify(mapping.map((m) => ({ cluster: m.cluster, segment_id: m.segmentId })))}::jsonb)
        as m(cluster int, segment_id uuid) on m.cluster = ra.segment
      where ra.run_id = ${target.runId} and ra.tenant_id = ${set.tenantId}`);
    const mapped = new Set(mapping.map((m) => m.segmentId));
    for (const s of target.segments)
      await tx
        .update(segments)
        .set({ active: mapped.has(s.id) })
        .where(and(eq(segments.id, s.id), eq(segments.tenantId, set.tenantId)));
  }
  await refreshSizes(tx, set);
}
