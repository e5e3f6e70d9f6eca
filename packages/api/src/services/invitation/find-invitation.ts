import type { Role } from "@strata/auth";
import { invitations, type Tx, tenants } from "@strata/db";
import { eq } from "drizzle-orm";
import { type InvitationStatus, invitationStatus } from "./token.js";

export interface InvitationPreview {
  tenantId: string;
  workspaceName: string;
  workspace: string;
  role: Role;
  expiresAt: Date;
  status: InvitationStatus;
}

/**
 * The invitation behind a link, before the holder is a member. Runs inside
 * `withInvitationToken(db, tokenHash, ...)`: the link holder may read that one row and nothing else.
 */
export async function findInvitationByTokenHash(
  tx: Tx,
  params: { tokenHash: string; now?: Date },
): Promise<InvitationPreview | undefined> {
  const [row] = await tx
    .select({
      tenantId: invitations.tenantId,
      workspaceName: tenants.name,
      workspace: tenants.slug,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
    })
    .from(invitations)
    .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
    .where(eq(invitations.tokenHash, params.tokenHash))
    .limit(1);
  if (!row) return undefined;
  const { acceptedAt: _a, revokedAt: _r, ...rest } = row;
  return { ...rest, status: invitationStatus(row, params.now ?? new Date()) };
}
