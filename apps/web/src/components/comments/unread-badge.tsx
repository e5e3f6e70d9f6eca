"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";

/** How many comments the member has not read in the workspace, beside the Activity link; nothing when none. */
export function UnreadCommentsBadge({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const summary = useQuery({
    ...trpc.comment.unreadSummary.queryOptions({ workspace }),
    refetchInterval: 60_000,
  });
  const unread = summary.data?.unread ?? 0;
  if (unread === 0) return null;
  return (
    <span className="ml-auto rounded-full bg-brand-600 px-1.5 py-0.5 text-xs font-semibold leading-none text-white">
      {unread > 99 ? "99+" : unread}
      <span className="sr-only"> unread comment{unread === 1 ? "" : "s"}</span>
    </span>
  );
}
