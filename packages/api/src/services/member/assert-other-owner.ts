import { memberships, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../../errors.js";

/**
 * Refuses to take the owner role away from `userId` when they are the last owner. Call it after
 * `lockTenantMembers`, so two owners demoting each other at once cannot leave the workspace ownerless.
 */
export async function assertAnotherOwnerRemains(
  tx: Tx,
  params: { tenantId: string; userId: string; message: string },
): Promise<void> {
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.tenantId, params.tenantId), eq(memberships.role, "owner")));
  if (!owners.some((owner) => owner.userId !== params.userId)) {
    throw new AppError("PRECONDITION_FAILED", params.message);
  }
}
