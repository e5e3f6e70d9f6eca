import type { Metadata } from "next";
import Link from "next/link";
import { ScenarioCompare } from "@/components/policies/scenarios/scenario-compare";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Compare scenarios" };

export default async function CompareScenariosPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ a?: string; b?: string }>;
}) {
  const { workspace } = await requireWorkspace((await params).workspace);
  const { a = "", b = "" } = await searchParams;
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace.slug}/policies/scenarios`} className="text-brand-700 hover:underline">
          Scenarios
        </Link>
      </p>
      <PageHeader title="Compare scenarios" />
      <ScenarioCompare workspace={workspace.slug} ids={[a, b]} />
    </>
  );
}
