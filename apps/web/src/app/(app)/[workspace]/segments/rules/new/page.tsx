import type { Metadata } from "next";
import Link from "next/link";
import { RuleBuilder } from "@/components/segments/rules/rule-builder";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "New rule segment" };

export default async function NewRuleSegmentPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ from?: string | string[] }>;
}) {
  const { workspace, access } = await requireWorkspace((await params).workspace);
  const from = (await searchParams).from;
  const fromSegmentId = typeof from === "string" && from ? from : undefined;
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace.slug}/segments`} className="text-brand-700 hover:underline">
          Segments
        </Link>
      </p>
      <PageHeader
        title="New rule segment"
        description={
          fromSegmentId
            ? "Started from the rules that describe an ML segment: adjust them and watch the preview."
            : "Pick customers by their attributes and features. The preview shows who matches as you build the rule."
        }
      />
      {access.can["segmentSet.edit"] ? (
        <RuleBuilder workspace={workspace.slug} fromSegmentId={fromSegmentId} />
      ) : (
        <Alert tone="warning">Creating segments needs the editor role; ask an admin of this workspace.</Alert>
      )}
    </>
  );
}
