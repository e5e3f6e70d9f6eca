import type { Role } from "@strata/auth";
import { hasRole } from "@strata/auth";
import { comments, type Tx } from "@strata/db";
import { eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { requireCommentEntity } from "./comment-entity.js";
import { findLiveComment } from "./find-comment.js";

/**
 * Deletes a comment: one's own, or anyone's for an admin or owner (moderation). The row stays, without
 * its text or mentions, so the thread still reads in order ("comment deleted"); the audit event keeps
 * no excerpt either, since the point of deleting is that the words are gone.
 */
export async function deleteComment(
  tx: Tx,
  params: { tenantId: string; userId: string; role: Role; id: string },
) {
  const existing = await findLiveComment(tx, params);
  const isOwn = existing.authorId === params.userId;
  if (!isOwn && !hasRole(params.role, "admin")) {
    throw new AppError("FORBIDDEN", "You can only delete your own comments; admins can delete any.");
  }
  const entity = await requireCommentEntity(tx, { ...existing, tenantId: params.tenantId });
  await tx
    .update(comments)
    .set({ body: "", mentions: [], deletedAt: new Date() })
    .where(eq(comments.id, existing.id));
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "comment.deleted",
    targetType: existing.entityType,
    targetId: existing.entityId,
    details: {
      commentId: existing.id,
      name: entity.name,
      ...(isOwn ? {} : { authorId: existing.authorId }),
    },
  });
  return { id: existing.id };
}
