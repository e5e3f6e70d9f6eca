import type { ReactNode } from "react";
import { SettingsTabs } from "@/components/settings/settings-tabs";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export default async function SettingsLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ workspace: string }>;
}) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  return (
    <>
      <PageHeader title="Settings" description={`Workspace settings for ${workspace.name}.`} />
      <SettingsTabs workspace={workspace.slug} isAdmin={access.isAdmin} />
      <div className="mt-6">{children}</div>
    </>
  );
}
