import { hasRole, type Role } from "@strata/auth";
import { memberships, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { assertAnotherOwnerRemains } from "./assert-other-owner.js";
import { getMembership } from "./get-membership.js";
import { lockTenantMembers } from "./lock-tenant-members.js";

/** Admins remove members (owners only by owners); any member may remove themselves (leave). */
export async function removeMember(
  tx: Tx,
  params: { tenantId: string; actorUserId: string; actorRole: Role; userId: string },
): Promise<{ userId: string }> {
  const isSelf = params.userId === params.actorUserId;
  if (!isSelf && !hasRole(params.actorRole, "admin")) {
    throw new AppError("FORBIDDEN", `This needs the admin role or higher; you are ${params.actorRole}.`);
  }
  await lockTenantMembers(tx, { tenantId: params.tenantId });
  const target = await getMembership(tx, { tenantId: params.tenantId, userId: params.userId });
  if (!target) throw new AppError("NOT_FOUND", "Member not found");
  if (target.role === "owner" && !isSelf && params.actorRole !== "owner") {
    throw new AppError("FORBIDDEN", "Only an owner can remove an owner.");
  }
  if (target.role === "owner") {
    await assertAnotherOwnerRemains(tx, {
      tenantId: params.tenantId,
      userId: params.userId,
      message: isSelf
        ? "You are the last owner: make another member owner before leaving."
        : "A workspace needs an owner: the last owner cannot be removed.",
    });
  }
  await tx
    .delete(memberships)
    .where(and(eq(memberships.tenantId, params.tenantId), eq(memberships.userId, params.userId)));
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.actorUserId,
    action: isSelf ? "member.left" : "member.removed",
    targetType: "user",
    targetId: params.userId,
    details: { role: target.role },
  });
  return { userId: params.userId };
}
