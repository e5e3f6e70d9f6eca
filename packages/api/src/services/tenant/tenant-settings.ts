import { type Tx, tenants } from "@strata/db";
import { eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";

/** The settings of a workspace a member may read: what the UI needs to show the right actions. */
export async function getTenantSettings(tx: Tx, params: { tenantId: string }) {
  const [row] = await tx
    .select({ editorsCanApprove: tenants.editorsCanApprove })
    .from(tenants)
    .where(eq(tenants.id, params.tenantId));
  if (!row) throw new AppError("NOT_FOUND", "Workspace not found");
  return row;
}

/** Changes a workspace's settings (admins and owners), with the before and after in the audit log. */
export async function updateTenantSettings(
  tx: Tx,
  params: { tenantId: string; userId: string; editorsCanApprove?: boolean | undefined },
) {
  const before = await getTenantSettings(tx, params);
  const after = {
    ...before,
    ...(params.editorsCanApprove !== undefined ? { editorsCanApprove: params.editorsCanApprove } : {}),
  };
  if (after.editorsCanApprove === before.editorsCanApprove) return after;
  await tx
    .update(tenants)
    .set({ editorsCanApprove: after.editorsCanApprove })
    .where(eq(tenants.id, params.tenantId));
  await recordAuditEvent(tx, {
    tenantId: params.tenantId,
    actorUserId: params.userId,
    action: "tenant.settings_changed",
    targetType: "tenant",
    targetId: params.tenantId,
    details: { before, after },
  });
  return after;
}
