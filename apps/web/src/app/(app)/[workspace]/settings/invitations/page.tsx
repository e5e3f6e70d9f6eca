import type { Metadata } from "next";
import { AdminRequired } from "@/components/settings/admin-required";
import { CreateInvitation } from "@/components/settings/create-invitation";
import { InvitationList } from "@/components/settings/invitation-list";
import { requireWorkspace } from "@/server/workspace";
import { HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Invitations" };

export default async function InvitationsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  if (!access.isAdmin) {
    return <AdminRequired workspace={workspace} role={workspace.role} section="Invitations" />;
  }
  prefetch(trpc.invitation.list.queryOptions({ workspace: workspace.slug }));
  return (
    <HydrateClient>
      <div className="space-y-6">
        <CreateInvitation workspace={workspace.slug} roles={access.grantableRoles} />
        <InvitationList workspace={workspace.slug} />
      </div>
    </HydrateClient>
  );
}
