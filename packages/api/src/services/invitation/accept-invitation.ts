import type { Role } from "@strata/auth";
import { invitations, memberships, type Tx, tenants } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { getMembership } from "../member/get-membership.js";
import { lockTenantMembers } from "../member/lock-tenant-members.js";
import { invitationStatus } from "./token.js";

export const INVITATION_NOT_FOUND = "This invitation link is not valid.";

/**
 * Turns a pending invitation into a membership, once. Runs inside `withTenant` for the invitation's
 * tenant; the row is locked so two accepts of one link cannot both succeed. Any refusal changes nothing.
 */
export async function acceptInvitation(
  tx: Tx,
  params: { tenantId: string; tokenHash: string; userId: string; now?: Date },
): Promise<{ workspace: string; role: Role }> {
  await lockTenantMembers(tx, { tenantId: params.tenantId });
  const [invitation] = await tx
    .select()
    .from(invitations)
    .where(and(eq(invitations.tenantId, params.tenantId), eq(invitations.tokenHash, params.tokenHash)))
    .for("update");
  if (!invitation) throw new AppError("NOT_FOUND", INVITATION_NOT_FOUND);
  switch (invitationStatus(invitation, params.now ?? new Date())) {
    case "accepted":
      throw new AppError("CONFLICT", "This invitation has already been used. Ask for a new link.");
    case "revoked":
      throw new AppError("PRECONDITION_FAILED", "This invitation was revoked. Ask for a new link.");
    case "expired":
      throw new AppError("PRECONDITION_FAILED", "This invitation has expired. Ask for a new link.");
    case "pending":
      break;
  }
  const [tenant] = await tx
    .select({ slug: tenants.slug })
    .from(tenants)
    .where(eq(tenants.id, params.tenantId));
  if (await getMembership(tx, { tenantId: params.tenantId, userId: params.userId })) {
    throw new AppError("CONFLICT", "You are already a member of this workspace.");
  }
  await tx
    .insert(memberships)
    .values({ tenantId: params.tenantId, userId: params.userId, role: invitation.role });
  await tx
    .update(invitations)
    .set({ acceptedAt: new Date(), acceptedBy: params.userId })
    .where(and(eq(invitations.tenantId, params.tenantId), eq(invitations.id, invitation.id)));
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "member.joined",
    targetType: "user",
    targetId: params.userId,
    details: { role: invitation.role, invitationId: invitation.id },
  });
  return { workspace: tenant!.slug, role: invitation.role };
}
