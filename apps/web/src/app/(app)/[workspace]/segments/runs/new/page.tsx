import type { Metadata } from "next";
import { NewRunForm } from "@/components/segments/new-run-form";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "New run" };

export default async function NewRunPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  return (
    <>
      <PageHeader
        title="New segmentation run"
        description="The suggested settings work as they are: start the run, then adjust if the result says so."
      />
      {access.canEdit ? (
        <NewRunForm workspace={workspace.slug} />
      ) : (
        <Alert tone="warning">Starting a run needs the editor role; ask an admin of this workspace.</Alert>
      )}
    </>
  );
}
