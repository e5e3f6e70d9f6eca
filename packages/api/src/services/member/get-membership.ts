import type { Role } from "@strata/auth";
import { memberships, type Tx } from "@strata/db";
import { and, eq } from "drizzle-orm";

export async function getMembership(
  tx: Tx,
  params: { tenantId: string; userId: string },
): Promise<{ userId: string; role: Role } | undefined> {
  const [row] = await tx
    .select({ userId: memberships.userId, role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.tenantId, params.tenantId), eq(memberships.userId, params.userId)))
    .limit(1);
  return row;
}
