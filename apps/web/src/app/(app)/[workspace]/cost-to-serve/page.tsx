import type { Metadata } from "next";
import { CostModelLink, CostToServeView } from "@/components/cost-to-serve/cost-to-serve-view";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";
import { HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Cost-to-serve" };

export default async function CostToServePage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  prefetch(trpc.costToServe.latest.queryOptions({ workspace: workspace.slug }));
  return (
    <HydrateClient>
      <PageHeader
        title="Cost-to-serve"
        description="Which customers and segments make money once the cost of serving them is counted: an activity-based profit and loss."
        actions={<CostModelLink workspace={workspace.slug} />}
      />
      <CostToServeView workspace={workspace.slug} canCompute={access.can["costToServe.compute"]} />
    </HydrateClient>
  );
}
