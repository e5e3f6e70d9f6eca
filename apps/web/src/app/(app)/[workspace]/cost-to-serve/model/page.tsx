import type { Metadata } from "next";
import Link from "next/link";
import { CostModelEditor } from "@/components/cost-to-serve/model-editor";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";
import { HydrateClient, prefetch, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Cost model" };

export default async function CostModelPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  prefetch(trpc.costToServe.getModel.queryOptions({ workspace: workspace.slug }));
  return (
    <HydrateClient>
      <PageHeader
        title="Cost model"
        description="The activities serving a customer takes and what each costs: the rates cost-to-serve charges customers with."
        actions={
          <Link
            className="text-sm font-medium text-brand-700 hover:underline"
            href={`/${workspace.slug}/cost-to-serve`}
          >
            ← Cost-to-serve
          </Link>
        }
      />
      <CostModelEditor workspace={workspace.slug} canEdit={access.can["costModel.update"]} />
    </HydrateClient>
  );
}
