import { hasRole, ROLES, type Role } from "@strata/auth";
import type { Metadata } from "next";
import { AdminRequired } from "@/components/settings/admin-required";
import { CreateInvitation } from "@/components/settings/create-invitation";
import { InvitationList } from "@/components/settings/invitation-list";
import { requireWorkspace } from "@/server/workspace";
import { HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Invitations" };

export default async function InvitationsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await requireWorkspace((await params).workspace);
  const role = workspace.role as Role;
  if (!hasRole(role, "admin"))
    return <AdminRequired workspace={workspace} role={role} section="Invitations" />;
  prefetch(trpc.invitation.list.queryOptions({ workspace: workspace.slug }));
  // Only owners may invite owners.
  const invitableRoles = ROLES.filter((r) => r !== "owner" || role === "owner");
  return (
    <HydrateClient>
      <div className="space-y-6">
        <CreateInvitation workspace={workspace.slug} roles={[...invitableRoles]} />
        <InvitationList workspace={workspace.slug} />
      </div>
    </HydrateClient>
  );
}
