import type { Metadata } from "next";
import { AdminRequired } from "@/components/settings/admin-required";
import { AuditLog } from "@/components/settings/audit-log";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  if (!access.isAdmin) {
    return <AdminRequired workspace={workspace} role={workspace.role} section="The audit log" />;
  }
  return <AuditLog workspace={workspace.slug} />;
}
