import type { Metadata } from "next";
import { RunView } from "@/components/segments/run-view";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ workspace: string; runId: string }> }) {
  const { workspace: slug, runId } = await params;
  const { workspace, access } = await requireWorkspace(slug);
  return <RunView workspace={workspace.slug} runId={runId} canEdit={access.canEdit} />;
}
