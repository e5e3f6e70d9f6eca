import { commentReads, comments, type Tx, users } from "@strata/db";
import { and, asc, eq } from "drizzle-orm";
import { listMembers } from "../member/list-members.js";
import { type CommentEntityRef, requireCommentEntity } from "./comment-entity.js";

export interface CommentItem {
  id: string;
  authorId: string | null;
  /** The author's display name, or null when their account is gone. */
  authorName: string | null;
  authorEmail: string | null;
  /** Null once deleted: the row stays so the thread reads in order. */
  body: string | null;
  /** The members it mentions, with their names as they are now (a former member keeps the id only). */
  mentions: Array<{ userId: string; name: string | null }>;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  isOwn: boolean;
  /** Someone else's comment written after the caller last read the thread. */
  isUnread: boolean;
}

export interface CommentThread {
  entityName: string;
  comments: CommentItem[];
  /** When the caller last read this thread, or null if never. */
  readAt: Date | null;
  unreadCount: number;
}

/** When `userId` last read a thread, or null. */
export async function readMarkerOf(tx: Tx, ref: CommentEntityRef & { userId: string }): Promise<Date | null> {
  const [read] = await tx
    .select({ readAt: commentReads.readAt })
    .from(commentReads)
    .where(
      and(
        eq(commentReads.tenantId, ref.tenantId),
        eq(commentReads.userId, ref.userId),
        eq(commentReads.entityType, ref.entityType),
        eq(commentReads.entityId, ref.entityId),
      ),
    );
  return read?.readAt ?? null;
}

/** A comment someone else wrote (and did not delete) after `readAt`: what the unread marker counts. */
export function isUnreadFor(
  comment: { authorId: string | null; createdAt: Date; deletedAt: Date | null },
  userId: string,
  readAt: Date | null,
): boolean {
  return (
    comment.authorId !== userId &&
    comment.deletedAt === null &&
    (readAt === null || comment.createdAt.getTime() > readAt.getTime())
  );
}

/**
 * A thread, oldest first, with the caller's read marker. Reading does not move the marker: the page
 * shows what is new, then calls `markRead` with the newest comment it showed.
 */
export async function listComments(
  tx: Tx,
  params: CommentEntityRef & { userId: string },
): Promise<CommentThread> {
  const { name } = await requireCommentEntity(tx, params);
  const rows = await tx
    .select({
      id: comments.id,
      authorId: comments.authorId,
      authorName: users.name,
      authorEmail: users.email,
      body: comments.body,
      mentions: comments.mentions,
      createdAt: comments.createdAt,
      editedAt: comments.editedAt,
      deletedAt: comments.deletedAt,
    })
    .from(comments)
    .leftJoin(users, eq(users.id, comments.authorId))
    .where(
      and(
        eq(comments.tenantId, params.tenantId),
        eq(comments.entityType, params.entityType),
        eq(comments.entityId, params.entityId),
      ),
    )
    .orderBy(asc(comments.createdAt), asc(comments.id));
  const readAt = await readMarkerOf(tx, params);
  const members = await listMembers(tx, { tenantId: params.tenantId });
  const nameOf = new Map(members.map((m) => [m.userId, m.name]));
  const items = rows.map((row): CommentItem => {
    const isDeleted = row.deletedAt !== null;
    return {
      ...row,
      body: isDeleted ? null : row.body,
      mentions: isDeleted ? [] : row.mentions.map((userId) => ({ userId, name: nameOf.get(userId) ?? null })),
      isOwn: row.authorId === params.userId,
      isUnread: isUnreadFor(row, params.userId, readAt),
    };
  });
  return {
    entityName: name,
    comments: items,
    readAt,
    unreadCount: items.filter((c) => c.isUnread).length,
  };
}
