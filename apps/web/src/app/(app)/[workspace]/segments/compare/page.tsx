import type { Metadata } from "next";
import { CompareRuns } from "@/components/segments/compare-runs";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Compare runs" };

export default async function ComparePage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ a?: string; b?: string }>;
}) {
  const { workspace } = await requireWorkspace((await params).workspace);
  const { a, b } = await searchParams;
  return (
    <>
      <PageHeader
        title="Compare two runs"
        description="How far two segmentations agree, and where each segment's customers went."
      />
      <CompareRuns workspace={workspace.slug} {...(a ? { runA: a } : {})} {...(b ? { runB: b } : {})} />
    </>
  );
}
