import type { Metadata } from "next";
import { AdminRequired } from "@/components/settings/admin-required";
import { MemberTable } from "@/components/settings/member-table";
import { requireWorkspace } from "@/server/workspace";
import { HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { user, workspace, access } = await requireWorkspace((await params).workspace);
  if (!access.isAdmin) {
    return <AdminRequired workspace={workspace} role={workspace.role} section="Member management" />;
  }
  prefetch(trpc.member.list.queryOptions({ workspace: workspace.slug }));
  return (
    <HydrateClient>
      <MemberTable
        workspace={workspace.slug}
        currentUserId={user.id}
        isOwner={access.isOwner}
        assignableRoles={access.grantableRoles}
      />
    </HydrateClient>
  );
}
