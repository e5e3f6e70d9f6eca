"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { LoadingState } from "@/components/ui/spinner";
import { ACTIVITY_PAGE_SIZE, activityHref } from "@/lib/activity";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

/** Threads with comments the member has not read yet, with the mentions of them counted apart. */
export function UnreadThreads({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const summary = useQuery(trpc.comment.unreadSummary.queryOptions({ workspace }));
  if (!summary.data || summary.data.threads.length === 0) return null;
  return (
    <Card className="mb-6">
      <CardHeader>
        <CardTitle>Unread comments</CardTitle>
        <CardDescription>
          {summary.data.unread} unread comment{summary.data.unread === 1 ? "" : "s"}
          {summary.data.mentions > 0 ? `, ${summary.data.mentions} mentioning you` : ""}.
        </CardDescription>
      </CardHeader>
      <ul aria-label="Unread comments" className="divide-y divide-slate-100">
        {summary.data.threads.map((t) => (
          <li
            key={`${t.entityType}:${t.entityId}`}
            className="flex items-center justify-between gap-3 px-6 py-3"
          >
            <Link
              href={activityHref(workspace, { type: t.entityType, id: t.entityId }) ?? "#"}
              className="text-sm font-medium text-brand-700 hover:underline"
            >
              {t.entityName ?? (t.entityType === "policy" ? "A deleted policy" : "A deleted segment set")}
            </Link>
            <span className="flex gap-2">
              {t.mentions > 0 ? (
                <Badge tone="amber">
                  {t.mentions} mention{t.mentions === 1 ? "" : "s"}
                </Badge>
              ) : null}
              <Badge tone="brand">{t.unread} new</Badge>
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** The workspace's recent activity as sentences, newest first, with older pages on request. */
export function ActivityFeed({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const feed = useInfiniteQuery(
    trpc.audit.feed.infiniteQueryOptions(
      { workspace, limit: ACTIVITY_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const items = feed.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Card>
      <CardHeader>
        <CardTitle>Recent activity</CardTitle>
        <CardDescription>What the team did in this workspace, newest first.</CardDescription>
      </CardHeader>
      {feed.isPending ? <LoadingState label="Loading activity…" /> : null}
      {feed.error ? (
        <div className="p-6">
          <Alert tone="error">{toFormError(feed.error).message}</Alert>
        </div>
      ) : null}
      {feed.isSuccess && items.length === 0 ? (
        <p className="px-6 py-8 text-center text-sm text-slate-500">Nothing has happened here yet.</p>
      ) : null}
      {items.length > 0 ? (
        <ol aria-label="Activity" className="divide-y divide-slate-100">
          {items.map((item) => {
            const href = activityHref(workspace, item.target);
            return (
              <li key={item.id} className="px-6 py-3">
                <p className="text-sm text-slate-800">
                  {href ? (
                    <Link href={href} className="hover:underline">
                      {item.sentence}
                    </Link>
                  ) : (
                    item.sentence
                  )}
                </p>
                {item.excerpt ? (
                  <p className="mt-1 border-l-2 border-slate-200 pl-3 text-sm text-slate-600">
                    {item.excerpt}
                  </p>
                ) : null}
                <time dateTime={new Date(item.createdAt).toISOString()} className="text-xs text-slate-500">
                  {formatDateTime(item.createdAt)}
                </time>
              </li>
            );
          })}
        </ol>
      ) : null}
      {feed.hasNextPage ? (
        <div className="flex justify-center border-t border-slate-100 p-4">
          <Button
            variant="secondary"
            onClick={() => feed.fetchNextPage()}
            isLoading={feed.isFetchingNextPage}
          >
            Show older activity
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
