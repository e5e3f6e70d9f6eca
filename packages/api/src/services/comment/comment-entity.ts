import { commentEntity, policies, segmentSets, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";

export const COMMENT_ENTITY_TYPES = commentEntity.enumValues;
export type CommentEntityType = (typeof COMMENT_ENTITY_TYPES)[number];

export interface CommentEntityRef {
  tenantId: string;
  entityType: CommentEntityType;
  entityId: string;
}

const NOT_FOUND_MESSAGE: Record<CommentEntityType, string> = {
  segment_set: "Segment set not found",
  policy: "Policy not found",
};

/**
 * The thing a thread hangs on, checked to exist in the caller's workspace (RLS and the explicit
 * tenant filter both): another workspace's id answers NOT_FOUND, like an id that does not exist.
 * Returns its name for audit events and the activity feed.
 */
export async function requireCommentEntity(tx: Tx, ref: CommentEntityRef): Promise<{ name: string }> {
  if (ref.entityType === "segment_set") {
    const [set] = await tx
      .select({ name: segmentSets.name })
      .from(segmentSets)
      .where(and(eq(segmentSets.tenantId, ref.tenantId), eq(segmentSets.id, ref.entityId)))
      .limit(1);
    if (set) return set;
  }
  if (ref.entityType === "policy") {
    const [policy] = await tx
      .select({ name: policies.name })
      .from(policies)
      .where(and(eq(policies.tenantId, ref.tenantId), eq(policies.id, ref.entityId)))
      .limit(1);
    if (policy) return policy;
  }
  throw new AppError("NOT_FOUND", NOT_FOUND_MESSAGE[ref.entityType]);
}
