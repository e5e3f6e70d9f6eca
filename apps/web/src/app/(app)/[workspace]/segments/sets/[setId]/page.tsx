import type { Metadata } from "next";
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
  return <SegmentSetView workspace={workspace.slug} setId={setId} />;
}
