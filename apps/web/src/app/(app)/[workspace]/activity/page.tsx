import type { Metadata } from "next";
import { ActivityFeed, UnreadThreads } from "@/components/activity/activity-feed";
import { PageHeader } from "@/components/ui/page-header";
import { ACTIVITY_PAGE_SIZE } from "@/lib/activity";
import { requireWorkspace } from "@/server/workspace";
import { HydrateClient, prefetch, prefetchInfinite, trpc } from "@/trpc/server";

export const metadata: Metadata = { title: "Activity" };

export default async function ActivityPage({ params }: { params: Promise<{ workspace: string }> }) {
  const { workspace } = await requireWorkspace((await params).workspace);
  prefetch(trpc.comment.unreadSummary.queryOptions({ workspace: workspace.slug }));
  prefetchInfinite(
    trpc.audit.feed.infiniteQueryOptions(
      { workspace: workspace.slug, limit: ACTIVITY_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  return (
    <HydrateClient>
      <PageHeader
        title="Activity"
        description="Comments waiting for you, and what the team has been doing: runs, imports, segment sets, exports and members."
      />
      <UnreadThreads workspace={workspace.slug} />
      <ActivityFeed workspace={workspace.slug} />
    </HydrateClient>
  );
}
