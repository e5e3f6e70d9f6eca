import type { Metadata } from "next";
import { PublishForm } from "@/components/segments/publish-form";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Publish segments" };

export default async function PublishPage({
  params,
}: {
  params: Promise<{ workspace: string; runId: string }>;
}) {
  const { workspace: slug, runId } = await params;
  const { workspace, access } = await requireWorkspace(slug);
  return (
    <>
      <PageHeader
        title="Publish as segment set"
        description="Name each segment the way your team talks about these customers, describe who they are, and pick a colour."
      />
      {access.canEdit ? (
        <PublishForm workspace={workspace.slug} runId={runId} />
      ) : (
        <Alert tone="warning">Publishing needs the editor role.</Alert>
      )}
    </>
  );
}
