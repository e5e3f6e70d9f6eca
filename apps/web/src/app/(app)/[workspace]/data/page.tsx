import type { Metadata } from "next";
import { DataOverview } from "@/components/data/data-overview";
import { ImportWizard } from "@/components/data/import-wizard";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Data" };

export default async function DataPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  return (
    <>
      <PageHeader
        title="Data"
        description="Customers and their order lines: what every segment, policy and cost-to-serve figure is computed from."
      />
      <div className="space-y-6">
        {access.canEdit ? (
          <ImportWizard workspace={workspace.slug} />
        ) : (
          <Alert>
            Your role can look at data but not import it: ask an editor or admin of this workspace.
          </Alert>
        )}
        <DataOverview workspace={workspace.slug} />
      </div>
    </>
  );
}
