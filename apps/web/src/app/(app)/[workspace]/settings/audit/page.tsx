import type { Metadata } from "next";
import { AdminRequired } from "@/components/settings/admin-required";
import { AuditLog } from "@/components/settings/audit-log";
import { AUDIT_PAGE_SIZE } from "@/lib/audit";
import { requireWorkspace } from "@/server/workspace";
import { HydrateClient, prefetchInfinite, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  if (!access.isAdmin) {
    return <AdminRequired workspace={workspace} role={workspace.role} section="The audit log" />;
  }
  prefetchInfinite(
    trpc.audit.list.infiniteQueryOptions(
      { workspace: workspace.slug, limit: AUDIT_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  return (
    <HydrateClient>
      <AuditLog workspace={workspace.slug} />
    </HydrateClient>
  );
}
