import { auditEvents, type Tx, users } from "@strata/db";
import { and, desc, eq, lt, or } from "drizzle-orm";
import { AppError } from "../../errors.js";

export interface AuditEventItem {
  id: string;
  createdAt: Date;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

// The cursor is opaque to clients: the last item's (createdAt, id), newest first.
function encodeCursor(item: { createdAt: Date; id: string }): string {
  return Buffer.from(`${item.createdAt.toISOString()}|${item.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) throw new AppError("BAD_REQUEST", "Invalid cursor", "cursor");
  return { createdAt, id };
}

export async function listAuditEvents(
  tx: Tx,
  params: { tenantId: string; cursor?: string | undefined; limit: number },
): Promise<{ items: AuditEventItem[]; nextCursor: string | null }> {
  const after = params.cursor ? decodeCursor(params.cursor) : undefined;
  const rows = await tx
    .select({
      id: auditEvents.id,
      createdAt: auditEvents.createdAt,
      actorEmail: users.email,
      action: auditEvents.action,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(
      and(
        eq(auditEvents.tenantId, params.tenantId),
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
  return { items, nextCursor: rows.length > params.limit && last ? encodeCursor(last) : null };
}
