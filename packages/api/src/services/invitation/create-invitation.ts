import type { Role } from "@strata/auth";
import { invitations, type Tx } from "@strata/db";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { hashInvitationToken, newInvitationToken } from "./token.js";

export async function createInvitation(
  tx: Tx,
  params: {
    tenantId: string;
    actorUserId: string;
    actorRole: Role;
    role: Role;
    expiresInHours: number;
    now?: Date;
  },
): Promise<{ id: string; token: string; expiresAt: Date; role: Role }> {
  if (params.role === "owner" && params.actorRole !== "owner") {
    throw new AppError("FORBIDDEN", "Only an owner can invite owners.", "role");
  }
  const token = newInvitationToken();
  const expiresAt = new Date((params.now ?? new Date()).getTime() + params.expiresInHours * 3_600_000);
  const [invitation] = await tx
    .insert(invitations)
    .values({
      tenantId: params.tenantId,
      tokenHash: hashInvitationToken(token),
      role: params.role,
      createdBy: params.actorUserId,
      expiresAt,
    })
    .returning({ id: invitations.id });
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.actorUserId,
    action: "invitation.created",
    targetType: "invitation",
    targetId: invitation!.id,
    details: { role: params.role, expiresAt: expiresAt.toISOString() },
  });
  return { id: invitation!.id, token, expiresAt, role: params.role };
}
