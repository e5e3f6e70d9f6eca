import type { Metadata } from "next";
import { SegmentsOverview } from "@/components/segments/segments-overview";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";
import { HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Segments" };

export default async function SegmentsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  prefetch(trpc.segment.listSets.queryOptions({ workspace: workspace.slug }));
  prefetch(trpc.run.list.queryOptions({ workspace: workspace.slug, limit: 50 }));
  return (
    <HydrateClient>
      <PageHeader
        title="Segments"
        description="Groups of customers that behave alike, found by a segmentation run and published with names."
      />
      <SegmentsOverview workspace={workspace.slug} canEdit={access.canEdit} />
    </HydrateClient>
  );
}
