import type { Metadata } from "next";
import { RepublishForm } from "@/components/segments/definitions/republish-form";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Publish into an existing set" };

export default async function RepublishRunPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string; runId: string }>;
  searchParams: Promise<{ set?: string | string[] }>;
}) {
  const { workspace: slug, runId } = await params;
  const set = (await searchParams).set;
  const { workspace, access } = await requireWorkspace(slug);
  return (
    <>
      <PageHeader
        title="Publish into an existing set"
        description="The set keeps its segments (and what hangs on them); this run's customers replace theirs once the new version is approved."
      />
      {access.can["segmentSet.edit"] ? (
        <RepublishForm
          workspace={workspace.slug}
          runId={runId}
          setId={typeof set === "string" ? set : undefined}
        />
      ) : (
        <Alert tone="warning">Publishing needs the editor role.</Alert>
      )}
    </>
  );
}
