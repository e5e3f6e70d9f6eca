import { auditEvents, policies, runs, segmentSets, type Tx, users } from "@strata/db";
import { and, desc, eq, lt, notLike, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { decodeAuditCursor, encodeAuditCursor } from "./audit-cursor.js";
import { describeActivity } from "./describe-activity.js";

export interface ActivityItem {
  id: string;
  createdAt: Date;
  action: string;
  actorName: string | null;
  /** The event as a sentence: "Ana approved segment set Value tiers v3". */
  sentence: string;
  /** What it is about, for a link: a segment set, a run, an import… */
  target: { type: string; id: string | null };
  /** A comment's first words, for comment events. */
  excerpt: string | null;
}

const targetUsers = alias(users, "target_users");

/**
 * The workspace's recent activity, newest first, for every member: audit events as sentences, with
 * names looked up now (a renamed set reads with its new name). Invitations stay on the admins' audit
 * page: an invitation names an address that is not a member yet.
 */
export async function listActivity(
  tx: Tx,
  params: { tenantId: string; cursor?: string | undefined; limit: number },
): Promise<{ items: ActivityItem[]; nextCursor: string | null }> {
  const after = params.cursor ? decodeAuditCursor(params.cursor) : undefined;
  const rows = await tx
    .select({
      id: auditEvents.id,
      createdAt: auditEvents.createdAt,
      action: auditEvents.action,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      details: auditEvents.details,
      actorName: users.name,
      targetName: sql<
        string | null
      >`coalesce(${segmentSets.name}, ${policies.name}, ${targetUsers.name}, ${runs.name})`,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .leftJoin(
      targetUsers,
      and(eq(auditEvents.targetType, "user"), sql`${targetUsers.id}::text = ${auditEvents.targetId}`),
    )
    .leftJoin(
      segmentSets,
      and(
        eq(auditEvents.targetType, "segment_set"),
        eq(segmentSets.tenantId, params.tenantId),
        sql`${segmentSets.id}::text = ${auditEvents.targetId}`,
      ),
    )
    .leftJoin(
      policies,
      and(
        eq(auditEvents.targetType, "policy"),
        eq(policies.tenantId, params.tenantId),
        sql`${policies.id}::text = ${auditEvents.targetId}`,
      ),
    )
    .leftJoin(
      runs,
      and(
        eq(auditEvents.targetType, "run"),
        eq(runs.tenantId, params.tenantId),
        sql`${runs.id}::text = ${auditEvents.targetId}`,
      ),
    )
    .where(
      and(
        eq(auditEvents.tenantId, params.tenantId),
        notLike(auditEvents.action, "invitation.%"),
        after
          ? or(
              lt(auditEvents.createdAt, after.createdAt),
              and(eq(auditEvents.createdAt, after.createdAt), lt(auditEvents.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(params.limit + 1);
  const items = rows.slice(0, params.limit).map(
    (row): ActivityItem => ({
      id: row.id,
      createdAt: row.createdAt,
      action: row.action,
      actorName: row.actorName,
      sentence: describeActivity(row),
      target: { type: row.targetType, id: row.targetId },
      excerpt:
        row.action.startsWith("comment.") && typeof row.details.excerpt === "string"
          ? row.details.excerpt
          : null,
    }),
  );
  const last = items.at(-1);
  return { items, nextCursor: rows.length > params.limit && last ? encodeAuditCursor(last) : null };
}
