import { auditEvents, type Tx, users } from "@strata/db";
import { and, desc, eq, gte, lt, lte, or, type SQL } from "drizzle-orm";
import { decodeAuditCursor, encodeAuditCursor } from "./audit-cursor.js";

export interface AuditEventItem {
  id: string;
  createdAt: Date;
  actorUserId: string | null;
  actorEmail: string | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

/** What the audit page filters by; every field optional, all given ones must hold. */
export interface AuditFilters {
  /** The kind of thing changed (`segment_set`, `member`, `run`…). */
  targetType?: string | undefined;
  /** One thing: its id (with or without `targetType`). */
  targetId?: string | undefined;
  actorUserId?: string | undefined;
  /** Inclusive bounds on when it happened. */
  from?: Date | undefined;
  to?: Date | undefined;
}

export function auditFilterConditions(tenantId: string, filters: AuditFilters): SQL | undefined {
  return and(
    eq(auditEvents.tenantId, tenantId),
    filters.targetType ? eq(auditEvents.targetType, filters.targetType) : undefined,
    filters.targetId ? eq(auditEvents.targetId, filters.targetId) : undefined,
    filters.actorUserId ? eq(auditEvents.actorUserId, filters.actorUserId) : undefined,
    filters.from ? gte(auditEvents.createdAt, filters.from) : undefined,
    filters.to ? lte(auditEvents.createdAt, filters.to) : undefined,
  );
}

/** One page of the audit log, newest first, keyset-paged on (createdAt, id) within the filters. */
export async function listAuditEvents(
  tx: Tx,
  params: { tenantId: string; cursor?: string | undefined; limit: number; filters?: AuditFilters },
): Promise<{ items: AuditEventItem[]; nextCursor: string | null }> {
  const after = params.cursor ? decodeAuditCursor(params.cursor) : undefined;
  const rows = await tx
    .select({
      id: auditEvents.id,
      createdAt: auditEvents.createdAt,
      actorUserId: auditEvents.actorUserId,
      actorEmail: users.email,
      actorName: users.name,
      action: auditEvents.action,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(
      and(
        auditFilterConditions(params.tenantId, params.filters ?? {}),
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
  const items = rows.slice(0, params.limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > params.limit && last ? encodeAuditCursor(last) : null };
}
