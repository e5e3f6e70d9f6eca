import type { Metadata } from "next";
import { CommentThread } from "@/components/comments/comment-thread";
import { PolicyView } from "@/components/policies/policy-view";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Policy" };

export default async function PolicyPage({
  params,
}: {
  params: Promise<{ workspace: string; policyId: string }>;
}) {
  const { workspace: slug, policyId } = await params;
  const { workspace } = await requireWorkspace(slug);
  return (
    <>
      <PolicyView workspace={workspace.slug} policyId={policyId} />
      {/* The policy's discussion, below its terms. */}
      <div className="mt-8 max-w-3xl">
        <CommentThread workspace={workspace.slug} entityType="policy" entityId={policyId} />
      </div>
    </>
  );
}
