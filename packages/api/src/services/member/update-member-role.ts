import type { Role } from "@strata/auth";
import { memberships, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import { assertAnotherOwnerRemains } from "./assert-other-owner.js";
import { getMembership } from "./get-membership.js";
import { lockTenantMembers } from "./lock-tenant-members.js";

export async function updateMemberRole(
  tx: Tx,
  params: { tenantId: string; actorUserId: string; actorRole: Role; userId: string; role: Role },
): Promise<{ userId: string; role: Role }> {
  await lockTenantMembers(tx, { tenantId: params.tenantId });
  const target = await getMembership(tx, { tenantId: params.tenantId, userId: params.userId });
  if (!target) throw new AppError("NOT_FOUND", "Member not found");
  if (target.role === params.role) return { userId: params.userId, role: params.role };
  if ((target.role === "owner" || params.role === "owner") && params.actorRole !== "owner") {
    throw new AppError("FORBIDDEN", "Only an owner can grant or remove the owner role.", "role");
  }
  if (target.role === "owner") {
    await assertAnotherOwnerRemains(tx, {
      tenantId: params.tenantId,
      userId: params.userId,
      message: "A workspace needs an owner: make another member owner first.",
    });
  }
  await tx
    .update(memberships)
    .set({ role: params.role })
    .where(and(eq(memberships.tenantId, params.tenantId), eq(memberships.userId, params.userId)));
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.actorUserId,
    action: "member.role_changed",
    targetType: "user",
    targetId: params.userId,
    details: { from: target.role, to: params.role },
  });
  return { userId: params.userId, role: params.role };
}
