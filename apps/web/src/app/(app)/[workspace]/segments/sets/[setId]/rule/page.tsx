import type { Metadata } from "next";
import Link from "next/link";
import { RuleBuilder } from "@/components/segments/rules/rule-builder";
import { Alert } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Edit rule" };

export default async function EditRulePage({
  params,
}: {
  params: Promise<{ workspace: string; setId: string }>;
}) {
  const { workspace: slug, setId } = await params;
  const { workspace, access } = await requireWorkspace(slug);
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace.slug}/segments/sets/${setId}`} className="text-brand-700 hover:underline">
          Back to the segment
        </Link>
      </p>
      <PageHeader
        title="Edit rule"
        description="Saving makes a new draft version; the approved version stays in use until this one is approved."
      />
      {access.can["segmentSet.edit"] ? (
        <RuleBuilder workspace={workspace.slug} setId={setId} />
      ) : (
        <Alert tone="warning">Editing a rule needs the editor role.</Alert>
      )}
    </>
  );
}
