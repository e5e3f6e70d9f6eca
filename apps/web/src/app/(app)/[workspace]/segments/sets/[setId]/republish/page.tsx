import type { Metadata } from "next";
import { RepublishForm } from "@/components/segments/definitions/republish-form";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Publish a run into this set" };

export default async function RepublishSetPage({
  params,
}: {
  params: Promise<{ workspace: string; setId: string }>;
}) {
  const { workspace: slug, setId } = await params;
  const { workspace, access } = await requireWorkspace(slug);
  return (
    <>
      <PageHeader
        title="Publish a run into this set"
        description="Pick a finished run, check where each of its segments goes, and save a draft version."
      />
      {access.can["segmentSet.edit"] ? (
        <RepublishForm workspace={workspace.slug} setId={setId} />
      ) : (
        <Alert tone="warning">Publishing needs the editor role.</Alert>
      )}
    </>
  );
}
