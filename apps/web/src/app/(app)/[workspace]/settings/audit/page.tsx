import { hasRole, type Role } from "@strata/auth";
import type { Metadata } from "next";
import { AdminRequired } from "@/components/settings/admin-required";
import { AuditLog } from "@/components/settings/audit-log";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await requireWorkspace((await params).workspace);
  const role = workspace.role as Role;
  if (!hasRole(role, "admin"))
    return <AdminRequired workspace={workspace} role={role} section="The audit log" />;
  return <AuditLog workspace={workspace.slug} />;
}
