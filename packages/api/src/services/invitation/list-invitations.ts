import type { Role } from "@strata/auth";
import { invitations, type Tx, users } from "@strata/db";
import { and, asc, eq, gt, isNull } from "drizzle-orm";

export interface PendingInvitation {
  id: string;
  role: Role;
  createdAt: Date;
  expiresAt: Date;
  createdByEmail: string | null;
}

/** Invitations that can still be accepted: not accepted, not revoked, not expired. */
export async function listPendingInvitations(
  tx: Tx,
  params: { tenantId: string; now?: Date },
): Promise<PendingInvitation[]> {
  return tx
    .select({
      id: invitations.id,
      role: invitations.role,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
      createdByEmail: users.email,
    })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.createdBy))
    .where(
      and(
        eq(invitations.tenantId, params.tenantId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, params.now ?? new Date()),
      ),
    )
    .orderBy(asc(invitations.createdAt));
}
