import { commentReads, comments, policies, segmentSets, type Tx } from "@strata/db";
import { and, desc, eq, gt, isNull, ne, or, sql } from "drizzle-orm";
import type { CommentEntityType } from "./comment-entity.js";

export interface UnreadThread {
  entityType: CommentEntityType;
  entityId: string;
  /** The segment set's or policy's name; null if it is gone. */
  entityName: string | null;
  unread: number;
  /** Unread comments that @mention the caller. */
  mentions: number;
  latestAt: Date;
}

/**
 * The caller's unread comments across the workspace, per thread, newest activity first: comments by
 * others, not deleted, after the caller's read marker of that thread (all of them if never read).
 * One statement over the thread index, whatever the number of threads.
 */
export async function unreadSummary(
  tx: Tx,
  params: { tenantId: string; userId: string },
): Promise<{ threads: UnreadThread[]; unread: number; mentions: number }> {
  const unread = sql<number>`count(*)::int`;
  const mentions = sql<number>`(count(*) filter (where ${comments.mentions} @> ${JSON.stringify([params.userId])}::jsonb))::int`;
  const latestAt = sql<Date>`max(${comments.createdAt})`.mapWith(comments.createdAt);
  const rows = await tx
    .select({
      entityType: comments.entityType,
      entityId: comments.entityId,
      entityName: sql<string | null>`coalesce(${segmentSets.name}, ${policies.name})`,
      unread,
      mentions,
      latestAt,
    })
    .from(comments)
    .leftJoin(
      commentReads,
      and(
        eq(commentReads.userId, params.userId),
        eq(commentReads.entityType, comments.entityType),
        eq(commentReads.entityId, comments.entityId),
      ),
    )
    .leftJoin(
      segmentSets,
      and(
        eq(comments.entityType, "segment_set"),
        eq(segmentSets.id, comments.entityId),
        eq(segmentSets.tenantId, params.tenantId),
      ),
    )
    .leftJoin(
      policies,
      and(
        eq(comments.entityType, "policy"),
        eq(policies.id, comments.entityId),
        eq(policies.tenantId, params.tenantId),
      ),
    )
    .where(
      and(
        eq(comments.tenantId, params.tenantId),
        isNull(comments.deletedAt),
        or(isNull(comments.authorId), ne(comments.authorId, params.userId)),
        or(isNull(commentReads.readAt), gt(comments.createdAt, commentReads.readAt)),
      ),
    )
    .groupBy(comments.entityType, comments.entityId, segmentSets.name, policies.name)
    .orderBy(desc(latestAt));
  return {
    threads: rows.map((r) => ({ ...r, unread: Number(r.unread), mentions: Number(r.mentions) })),
    unread: rows.reduce((sum, r) => sum + Number(r.unread), 0),
    mentions: rows.reduce((sum, r) => sum + Number(r.mentions), 0),
  };
}
