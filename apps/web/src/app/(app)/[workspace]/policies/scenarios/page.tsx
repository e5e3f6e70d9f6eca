import type { Metadata } from "next";
import Link from "next/link";
import { ScenarioList } from "@/components/policies/scenarios/scenario-list";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Scenarios" };

export default async function ScenariosPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace.slug}/policies`} className="text-brand-700 hover:underline">
          Policies
        </Link>
      </p>
      <PageHeader
        title="Scenarios"
        description="What-ifs on the live policies: change service levels, channels, drop frequencies or minimums and see cost-to-serve, inventory, net sales and net profit per segment before anything is applied."
      />
      <ScenarioList workspace={workspace.slug} canEdit={access.can["scenario.edit"]} />
    </>
  );
}
