import type { Metadata } from "next";
import { CommentThread } from "@/components/comments/comment-thread";
import { SegmentSetView } from "@/components/segments/segment-set-view";
import { requireWorkspace } from "@/server/workspace";

export const metadata: Metadata = { title: "Segment set" };

export default async function SegmentSetPage({
  params,
}: {
  params: Promise<{ workspace: string; setId: string }>;
}) {
  const { workspace: slug, setId } = await params;
  const { workspace } = await requireWorkspace(slug);
  return (
    <>
      <SegmentSetView workspace={workspace.slug} setId={setId} />
      {/* The set's discussion, below its segments; self-contained, so it can move anywhere on the page. */}
      <div className="mt-8 max-w-3xl">
        <CommentThread workspace={workspace.slug} entityType="segment_set" entityId={setId} />
      </div>
    </>
  );
}
