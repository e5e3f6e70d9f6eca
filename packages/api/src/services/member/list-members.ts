import type { Role } from "@strata/auth";
import { memberships, type Tx, users } from "@strata/db";
import { asc, eq } from "drizzle-orm";

export interface MemberItem {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

export async function listMembers(tx: Tx, params: { tenantId: string }): Promise<MemberItem[]> {
  return tx
    .select({
      userId: memberships.userId,
      email: users.email,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, params.tenantId))
    .orderBy(asc(memberships.createdAt), asc(users.email));
}
