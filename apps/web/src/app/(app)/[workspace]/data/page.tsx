import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { DatabaseIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Data" };

export default async function DataPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { access } = await requireWorkspace((await params).workspace);
  const { canEdit } = access;
  return (
    <>
      <PageHeader
        title="Data"
        description="Customers and their order lines: what every segment, policy and cost-to-serve figure is computed from."
      />
      <EmptyState icon={<DatabaseIcon />} title="No data imported yet">
        <p>
          Start with two files: your customers (one row each, with an id and any attributes) and your order
          lines (customer id, date, quantity, unit price), as CSV or Excel.
        </p>
        <p>
          {canEdit
            ? "Uploading, column mapping and a validation report arrive on this page with the importer. Once your files are in, Strata profiles every column and computes each customer's features."
            : "Your role can look at data but not import it: ask an editor or admin of this workspace to import the first files."}
        </p>
      </EmptyState>
    </>
  );
}
