import { invitations, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";

export async function revokeInvitation(
  tx: Tx,
  params: { tenantId: string; actorUserId: string; id: string },
): Promise<{ id: string; revokedAt: Date }> {
  const [invitation] = await tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.tenantId, params.tenantId), eq(invitations.id, params.id)))
    .for("update");
  if (!invitation) throw new AppError("NOT_FOUND", "Invitation not found");
  if (invitation.acceptedAt)
    throw new AppError("PRECONDITION_FAILED", "This invitation has already been accepted.");
  if (invitation.revokedAt) return { id: invitation.id, revokedAt: invitation.revokedAt };
  const revokedAt = new Date();
  await tx
    .update(invitations)
    .set({ revokedAt })
    .where(and(eq(invitations.tenantId, params.tenantId), eq(invitations.id, params.id)));
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.actorUserId,
    action: "invitation.revoked",
    targetType: "invitation",
    targetId: invitation.id,
    details: { role: invitation.role },
  });
  return { id: invitation.id, revokedAt };
}
