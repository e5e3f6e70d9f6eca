import { hasRole, ROLES, type Role } from "@strata/auth";
import type { Metadata } from "next";
import { AdminRequired } from "@/components/settings/admin-required";
import { MemberTable } from "@/components/settings/member-table";
import { requireWorkspace } from "@/server/workspace";
import { HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { user, workspace } = await requireWorkspace((await params).workspace);
  const role = workspace.role as Role;
  if (!hasRole(role, "admin"))
    return <AdminRequired workspace={workspace} role={role} section="Member management" />;
  prefetch(trpc.member.list.queryOptions({ workspace: workspace.slug }));
  // Only owners may grant (or take away) the owner role.
  const assignableRoles = ROLES.filter((r) => r !== "owner" || role === "owner");
  return (
    <HydrateClient>
      <MemberTable
        workspace={workspace.slug}
        currentUserId={user.id}
        isOwner={role === "owner"}
        assignableRoles={[...assignableRoles].reverse()}
      />
    </HydrateClient>
  );
}
