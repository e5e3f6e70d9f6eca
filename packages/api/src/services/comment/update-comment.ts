import { comments, type Tx } from "@strata/db";
import { eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { resolveMentions } from "./add-comment.js";
import { requireCommentEntity } from "./comment-entity.js";
import { findLiveComment } from "./find-comment.js";
import { excerptOf } from "./mentions.js";

/** Changes the text of one's own comment (nobody edits another's words, admins neither). */
export async function updateComment(
  tx: Tx,
  params: { tenantId: string; userId: string; id: string; body: string },
) {
  const existing = await findLiveComment(tx, params);
  if (existing.authorId !== params.userId) {
    throw new AppError("FORBIDDEN", "You can only edit your own comments.");
  }
  const entity = await requireCommentEntity(tx, { ...existing, tenantId: params.tenantId });
  const mentions = await resolveMentions(tx, params);
  const [comment] = await tx
    .update(comments)
    .set({ body: params.body, mentions, editedAt: new Date() })
    .where(eq(comments.id, existing.id))
    .returning();
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "comment.edited",
    targetType: existing.entityType,
    targetId: existing.entityId,
    details: { commentId: existing.id, name: entity.name, excerpt: excerptOf(params.body) },
  });
  return comment!;
}
