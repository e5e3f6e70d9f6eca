import type { Metadata } from "next";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { SegmentsIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Segments" };

export default async function SegmentsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await requireWorkspace((await params).workspace);
  return (
    <>
      <PageHeader
        title="Segments"
        description="Groups of customers that behave alike, found by a segmentation run and published with names."
      />
      <EmptyState
        icon={<SegmentsIcon />}
        title="No segments yet"
        action={
          <ButtonLink href={`/${workspace.slug}/data`} variant="secondary">
            Go to Data
          </ButtonLink>
        }
      >
        <p>
          Segments come from a segmentation run over your customers&apos; features. Import customers and order
          lines first; then start a run, review the result and publish it as a segment set.
        </p>
      </EmptyState>
    </>
  );
}
