import { type Tx, tenants } from "@strata/db";
import { eq } from "drizzle-orm";
import { AppError } from "../../errors.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";

/** The settings of a workspace a member may read: what the UI needs to show the right actions. */
export async function getTenantSettings(tx: Tx, params: { tenantId: string }) {
  const [row] = await tx
    .select({ editorsCanApprove: tenants.editorsCanApprove, retentionMonths: tenants.retentionMonths })
    .from(tenants)
    .where(eq(tenants.id, params.tenantId));
  if (!row) throw new AppError("NOT_FOUND", "Workspace not found");
  return row;
}

/** Changes a workspace's settings (admins and owners), with the before and after in the audit log. */
export async function updateTenantSettings(
  tx: Tx,
  params: {
    tenantId: string;
    userId: string;
    editorsCanApprove?: boolean | undefined;
    /** Months of order lines to keep (> 0), or null to keep them all. */
    retentionMonths?: number | null | undefined;
  },
) {
  const before = await getTenantSettings(tx, params);
  const after = {
    ...before,
    ...(params.editorsCanApprove !== undefined ? { editorsCanApprove: params.editorsCanApprove } : {}),
    ...(params.retentionMonths !== undefined ? { retentionMonths: params.retentionMonths } : {}),
  };
  if (
    after.retentionMonths !== null &&
    !(Number.isInteger(after.retentionMonths) && after.retentionMonths > 0)
  )
    throw new AppError("BAD_REQUEST", "Keep order lines for at least 1 month.", "retentionMonths");
  if (
    after.editorsCanApprove === before.editorsCanApprove &&
    after.retentionMonths === before.retentionMonths
  )
    return after;
  await tx
    .update(tenants)
    .set({ editorsCanApprove: after.editorsCanApprove, retentionMonths: after.retentionMonths })
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
