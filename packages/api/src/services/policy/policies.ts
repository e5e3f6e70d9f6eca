import type { Role } from "@strata/auth";
import { type PolicyScope, type PolicyTerms, policyTermsSchema } from "@strata/contract";
import { customers, policies, policyVersions, segmentSets, segments, type Tx, users } from "@strata/db";
import { and, desc, eq, sql } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { canApprove } from "../segment/segment-versions.js";
import { resolvePolicy } from "./resolve-policy.js";

/** Terms checked with the contract's schema; the first problem names its field. */
export function validTerms(terms: unknown): PolicyTerms {
  const parsed = policyTermsSchema.safeParse(terms);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "terms";
    throw new AppError("BAD_REQUEST", `${field}: ${issue.message}`, `terms.${field}`);
  }
  return parsed.data;
}

/** A scope's segment must be a segment of this workspace, in a set with an approved version. */
async function assertScope(tx: Tx, tenantId: string, scope: PolicyScope) {
  if (!scope.segmentId) return null;
  const [segment] = await tx
    .select({ name: segments.name, approvedVersion: segmentSets.approvedVersion, active: segments.active })
    .from(segments)
    .innerJoin(segmentSets, eq(segmentSets.id, segments.segmentSetId))
    .where(and(eq(segments.tenantId, tenantId), eq(segments.id, scope.segmentId)));
  if (!segment) throw new AppError("BAD_REQUEST", "That segment is not in this workspace.", "segmentId");
  if (segment.approvedVersion === null)
    throw new AppError(
      "BAD_REQUEST",
      `"${segment.name}" belongs to a segment set with no approved version: approve it before giving it a policy.`,
      "segmentId",
    );
  if (!segment.active)
    throw new AppError(
      "BAD_REQUEST",
      `"${segment.name}" is retired (no cluster maps to it any more).`,
      "segmentId",
    );
  return segment.name;
}

function scopeText(
  segmentName: string | null,
  scope: { productClass: string | null; channel: string | null },
) {
  const parts = [segmentName ? `segment "${segmentName}"` : "every customer"];
  if (scope.productClass) parts.push(`product class ${scope.productClass}`);
  if (scope.channel) parts.push(`channel ${scope.channel}`);
  return parts.join(", ");
}

/** Every policy of the workspace with its scope's names, most general first. */
export async function listPolicies(tx: Tx, params: { tenantId: string }) {
  const rows = await tx
    .select({
      policy: policies,
      segmentName: segments.name,
      segmentColor: segments.color,
      setName: segmentSets.name,
      authorName: users.name,
    })
    .from(policies)
    .leftJoin(segments, eq(segments.id, policies.segmentId))
    .leftJoin(segmentSets, eq(segmentSets.id, segments.segmentSetId))
    .leftJoin(users, eq(users.id, policies.updatedBy))
    .where(eq(policies.tenantId, params.tenantId))
    .orderBy(
      sql`${policies.segmentId} is not null`,
      sql`${policies.productClass} is not null`,
      policies.name,
    );
  return rows.map((r) => ({
    ...r.policy,
    segmentName: r.segmentName,
    segmentColor: r.segmentColor,
    setName: r.setName,
    updatedByName: r.authorName,
    scope: scopeText(r.segmentName, r.policy),
  }));
}

/** A new policy as a draft, version 1. One policy per scope. */
export async function createPolicy(
  tx: Tx,
  params: { tenantId: string; userId: string; name: string; scope: PolicyScope; terms: unknown },
) {
  const terms = validTerms(params.terms);
  const segmentName = await assertScope(tx, params.tenantId, params.scope);
  const name = params.name.trim() || `Policy for ${scopeText(segmentName, params.scope)}`;
  const [existing] = await tx
    .select({ id: policies.id, name: policies.name })
    .from(policies)
    .where(
      and(
        eq(policies.tenantId, params.tenantId),
        sql`${policies.segmentId} is not distinct from ${params.scope.segmentId}`,
        sql`${policies.productClass} is not distinct from ${params.scope.productClass}`,
        sql`${policies.channel} is not distinct from ${params.scope.channel}`,
      ),
    );
  if (existing)
    throw new AppError(
      "CONFLICT",
      `"${existing.name}" already covers ${scopeText(segmentName, params.scope)}: edit it instead (two policies at the same specificity would leave which applies undecided).`,
      "scope",
    );
  const [policy] = await tx
    .insert(policies)
    .values({
      tenantId: params.tenantId,
      name,
      segmentId: params.scope.segmentId,
      productClass: params.scope.productClass,
      channel: params.scope.channel,
      terms,
      version: 1,
      status: "draft",
      createdBy: params.userId,
      updatedBy: params.userId,
    })
    .returning();
  await tx.insert(policyVersions).values({
    tenantId: params.tenantId,
    policyId: policy!.id,
    version: 1,
    authorId: params.userId,
    message: "Created",
    name,
    terms,
  });
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "policy.created",
    targetType: "policy",
    targetId: policy!.id,
    details: { name, scope: params.scope, after: terms },
  });
  return policy!;
}

async function lockPolicy(tx: Tx, tenantId: string, id: string) {
  const [policy] = await tx
    .select()
    .from(policies)
    .where(and(eq(policies.tenantId, tenantId), eq(policies.id, id)))
    .for("update");
  if (!policy) throw new AppError("NOT_FOUND", "Policy not found");
  return policy;
}

/** What changed between two sets of terms, a line per field. */
export function describeTermChanges(before: PolicyTerms, after: PolicyTerms): string[] {
  return (Object.keys(after) as Array<keyof PolicyTerms>)
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k}: ${String(before[k])} → ${String(after[k])}`);
}

/** Saves new terms (or name) as a new draft version; a stale base version is a conflict. */
export async function editPolicy(
  tx: Tx,
  params: {
    tenantId: string;
    userId: string;
    id: string;
    baseVersion: number;
    message: string;
    name?: string | undefined;
    terms: unknown;
  },
) {
  const terms = validTerms(params.terms);
  const policy = await lockPolicy(tx, params.tenantId, params.id);
  if (policy.version !== params.baseVersion) {
    const [last] = await tx
      .select({ name: users.name, message: policyVersions.message, terms: policyVersions.terms })
      .from(policyVersions)
      .leftJoin(users, eq(users.id, policyVersions.authorId))
      .where(and(eq(policyVersions.policyId, policy.id), eq(policyVersions.version, policy.version)));
    throw new AppError(
      "CONFLICT",
      `This policy changed while you were editing: version ${policy.version} was saved by ${last?.name ?? "someone"}${last?.message ? ` ("${last.message}")` : ""}, you started from version ${params.baseVersion}. Your draft is kept: review it against the new version and save again.`,
      "baseVersion",
    );
  }
  const changes = describeTermChanges(policy.terms, terms);
  const name = params.name?.trim() || policy.name;
  if (name !== policy.name) changes.unshift(`name: ${policy.name} → ${name}`);
  if (changes.length === 0) throw new AppError("BAD_REQUEST", "Nothing changed: there is nothing to save.");
  const message = params.message.trim() || changes.join("; ");
  const [saved] = await tx
    .update(policies)
    .set({
      name,
      terms,
      version: policy.version + 1,
      status: "draft",
      reviewNote: null,
      updatedBy: params.userId,
      updatedAt: new Date(),
    })
    .where(eq(policies.id, policy.id))
    .returning();
  await tx.insert(policyVersions).values({
    tenantId: params.tenantId,
    policyId: policy.id,
    version: saved!.version,
    authorId: params.userId,
    message,
    name,
    terms,
  });
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "policy.edited",
    targetType: "policy",
    targetId: policy.id,
    details: { version: saved!.version, message, changes, before: policy.terms, after: terms },
  });
  return { ...saved!, changes };
}

/** Versions, newest first, with their changes. */
export async function policyHistory(tx: Tx, params: { tenantId: string; id: string }) {
  const [policy] = await tx
    .select({ approvedVersion: policies.approvedVersion })
    .from(policies)
    .where(and(eq(policies.tenantId, params.tenantId), eq(policies.id, params.id)));
  if (!policy) throw new AppError("NOT_FOUND", "Policy not found");
  const rows = await tx
    .select({ v: policyVersions, authorName: users.name, authorEmail: users.email })
    .from(policyVersions)
    .leftJoin(users, eq(users.id, policyVersions.authorId))
    .where(and(eq(policyVersions.tenantId, params.tenantId), eq(policyVersions.policyId, params.id)))
    .orderBy(desc(policyVersions.version));
  return rows.map((r, i) => ({
    version: r.v.version,
    message: r.v.message,
    createdAt: r.v.createdAt,
    author: r.authorName ?? r.authorEmail ?? "Someone",
    name: r.v.name,
    terms: r.v.terms,
    isApproved: r.v.version === policy.approvedVersion,
    changes: rows[i + 1] ? describeTermChanges(rows[i + 1]!.v.terms, r.v.terms) : ["First version"],
  }));
}

interface PolicyReview {
  tenantId: string;
  userId: string;
  role: Role;
  id: string;
  version: number;
}

async function reviewable(tx: Tx, params: PolicyReview) {
  const policy = await lockPolicy(tx, params.tenantId, params.id);
  if (policy.version !== params.version)
    throw new AppError(
      "CONFLICT",
      `Version ${policy.version} was saved after the version ${params.version} you looked at: look at it first.`,
      "version",
    );
  return policy;
}

async function assertApprover(tx: Tx, params: PolicyReview) {
  if (!(await canApprove(tx, { tenantId: params.tenantId, role: params.role })))
    throw new AppError(
      "FORBIDDEN",
      params.role === "editor"
        ? "Editors may not approve policies in this workspace: an admin or owner approves (or turns on 'Editors can approve' in Settings)."
        : "Only admins and owners approve policies.",
    );
}

async function setStatus(
  tx: Tx,
  params: PolicyReview,
  policy: typeof policies.$inferSelect,
  next: { status: "draft" | "in_review" | "approved"; reviewNote?: string | null },
  action: string,
  extra: Record<string, unknown> = {},
) {
  await tx
    .update(policies)
    .set({
      status: next.status,
      reviewNote: next.reviewNote ?? null,
      updatedAt: new Date(),
      ...(next.status === "approved" ? { approvedVersion: policy.version, approvedTerms: policy.terms } : {}),
    })
    .where(eq(policies.id, policy.id));
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action,
    targetType: "policy",
    targetId: policy.id,
    details: {
      name: policy.name,
      version: policy.version,
      before: { status: policy.status, approvedVersion: policy.approvedVersion },
      after: { status: next.status },
      ...extra,
    },
  });
  return { id: policy.id, version: policy.version, status: next.status };
}

export async function requestPolicyReview(tx: Tx, params: PolicyReview) {
  const policy = await reviewable(tx, params);
  if (policy.status !== "draft")
    throw new AppError(
      "PRECONDITION_FAILED",
      policy.status === "in_review"
        ? "This version is already in review."
        : "This version is already approved.",
    );
  return setStatus(tx, params, policy, { status: "in_review" }, "policy.review_requested");
}

export async function approvePolicy(tx: Tx, params: PolicyReview) {
  await assertApprover(tx, params);
  const policy = await reviewable(tx, params);
  if (policy.status !== "in_review")
    throw new AppError(
      "PRECONDITION_FAILED",
      policy.status === "draft"
        ? "Ask for review before approving this version."
        : "This version is already approved.",
    );
  return setStatus(tx, params, policy, { status: "approved" }, "policy.approved");
}

export async function sendBackPolicy(tx: Tx, params: PolicyReview & { reason: string }) {
  await assertApprover(tx, params);
  const reason = params.reason.trim();
  if (!reason) throw new AppError("BAD_REQUEST", "Say why the version goes back.", "reason");
  const policy = await reviewable(tx, params);
  if (policy.status !== "in_review")
    throw new AppError("PRECONDITION_FAILED", "Only a version in review can be sent back.");
  return setStatus(tx, params, policy, { status: "draft", reviewNote: reason }, "policy.sent_back", {
    reason,
  });
}

/**
 * Which policy applies to a customer (and a product class and channel, when given) and why: the
 * customer's segments are those of approved segment definitions.
 */
export async function explainPolicyFor(
  tx: Tx,
  params: { tenantId: string; customerId: string; productClass: string | null; channel: string | null },
) {
  const [customer] = await tx
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.tenantId, params.tenantId), eq(customers.id, params.customerId)));
  if (!customer) throw new AppError("NOT_FOUND", "Customer not found", "customerId");
  const memberships = await tx.execute(sql`
    select m.segment_id from segment_memberships m
    where m.tenant_id = ${params.tenantId} and m.customer_id = ${params.customerId}`);
  const segmentIds = (memberships as unknown as { rows: Array<{ segment_id: string }> }).rows.map(
    (r) => r.segment_id,
  );
  const all = await listPolicies(tx, { tenantId: params.tenantId });
  const { policy, reasons } = resolvePolicy(all, {
    segmentIds,
    productClass: params.productClass,
    channel: params.channel,
  });
  return {
    policy: policy
      ? {
          id: policy.id,
          name: policy.name,
          scope: policy.scope,
          terms: policy.approvedTerms!,
          version: policy.approvedVersion,
        }
      : null,
    reasons,
  };
}
