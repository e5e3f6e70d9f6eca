import { commentReads, type Tx } from "@strata/db";
import { sql } from "drizzle-orm";
import { type CommentEntityRef, requireCommentEntity } from "./comment-entity.js";

/**
 * Moves the caller's read marker of a thread to `upTo` (the newest comment the page showed; now when
 * not given), never backwards: a page open in an older tab cannot make read comments unread again.
 * `upTo` is capped at now, so a marker from the future cannot hide comments not yet written.
 */
export async function markThreadRead(
  tx: Tx,
  params: CommentEntityRef & { userId: string; upTo?: Date | undefined },
): Promise<{ readAt: Date }> {
  const now = new Date();
  const upTo = params.upTo && params.upTo.getTime() < now.getTime() ? params.upTo : now;
  const [row] = await tx
    .insert(commentReads)
    .values({
      tenantId: params.tenantId,
      userId: params.userId,
      entityType: params.entityType,
      entityId: params.entityId,
      readAt: upTo,
    })
    .onConflictDoUpdate({
      target: [commentReads.userId, commentReads.entityType, commentReads.entityId],
      set: { readAt: sql`greatest(${commentReads.readAt}, excluded.read_at)` },
    })
    .returning({ readAt: commentReads.readAt });
  return { readAt: row!.readAt };
}

/** `markRead` for a thread of an entity that must exist in the caller's workspace. */
export async function markCommentsRead(
  tx: Tx,
  params: CommentEntityRef & { userId: string; upTo?: Date | undefined },
): Promise<{ readAt: Date }> {
  await requireCommentEntity(tx, params);
  return markThreadRead(tx, params);
}
