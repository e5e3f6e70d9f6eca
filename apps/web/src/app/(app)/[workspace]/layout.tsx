import type { ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { requireWorkspace } from "@/server/workspace";
import { getCaller } from "@/trpc/server";

export default async function WorkspaceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ workspace: string }>;
}) {
  const { workspace: slug } = await params;
  const { user, workspace } = await requireWorkspace(slug);
  const workspaces = await (await getCaller()).tenant.list();
  return (
    <AppShell user={user} workspace={workspace} workspaces={workspaces}>
      {children}
    </AppShell>
  );
}
