import { comments, type Tx } from "@strata/db";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { listMembers } from "../member/list-members.js";
import { type CommentEntityRef, requireCommentEntity } from "./comment-entity.js";
import { markThreadRead } from "./mark-thread-read.js";
import { excerptOf, findMentions } from "./mentions.js";

/** The members of the workspace a body @mentions (members only: see findMentions). */
export async function resolveMentions(tx: Tx, params: { tenantId: string; body: string }): Promise<string[]> {
  const members = await listMembers(tx, { tenantId: params.tenantId });
  return findMentions(params.body, members);
}

/**
 * Adds a comment to an entity's thread. Its @mentions are resolved now, against today's members, and
 * stored as user ids. Writing in a thread means having read it: the author's read marker moves to it.
 */
export async function addComment(tx: Tx, params: CommentEntityRef & { userId: string; body: string }) {
  const entity = await requireCommentEntity(tx, params);
  const mentions = await resolveMentions(tx, params);
  const [comment] = await tx
    .insert(comments)
    .values({
      tenantId: params.tenantId,
      entityType: params.entityType,
      entityId: params.entityId,
      authorId: params.userId,
      body: params.body,
      mentions,
      // From this clock, like the read markers it is compared with.
      createdAt: new Date(),
    })
    .returning();
  await markThreadRead(tx, { ...params, upTo: comment!.createdAt });
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "comment.created",
    // The entity is the target, so filtering the audit log by a segment set shows its comments too.
    targetType: params.entityType,
    targetId: params.entityId,
    details: {
      commentId: comment!.id,
      name: entity.name,
      excerpt: excerptOf(params.body),
      mentions: mentions.length,
    },
  });
  return comment!;
}
