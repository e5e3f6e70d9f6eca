import { auditEvents, type Tx } from "@strata/db";

export interface AuditEventInput {
  tenantId: string;
  actorUserId: string | null;
  /** `<aggregate>.<verb>`, e.g. `member.role_changed`. */
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** Appends an audit event; call it in the same transaction as the change it records. */
export async function recordAuditEvent(tx: Tx, event: AuditEventInput): Promise<void> {
  await tx.insert(auditEvents).values({
    tenantId: event.tenantId,
    actorUserId: event.actorUserId,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId ?? null,
    details: event.details ?? {},
    createdAt: new Date(),
  });
}
