import type { Metadata } from "next";
import Link from "next/link";
import { PolicyCreateForm } from "@/components/policies/policy-create-form";
import { PageHeader } from "@/components/ui/page-header";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "New policy" };

export default async function NewPolicyPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ segment?: string }>;
}) {
  const { workspace } = await requireWorkspace((await params).workspace);
  const { segment } = await searchParams;
  return (
    <>
      <p className="mb-1 text-sm">
        <Link href={`/${workspace.slug}/policies`} className="text-brand-700 hover:underline">
          Policies
        </Link>
      </p>
      <PageHeader
        title="New policy"
        description="It starts as a draft: ask for review, and once a version is approved it applies to its customers."
      />
      <PolicyCreateForm workspace={workspace.slug} initialSegmentId={segment} />
    </>
  );
}
