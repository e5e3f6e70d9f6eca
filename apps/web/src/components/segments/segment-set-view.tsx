"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { LoadingState } from "@/components/ui/spinner";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { formatPercent } from "./result-types";

export function SegmentSetView({ workspace, setId }: { workspace: string; setId: string }) {
  const trpc = useTRPC();
  const set = useQuery(trpc.segment.getSet.queryOptions({ workspace, id: setId }));
  if (set.isPending) return <LoadingState label="Loading the segment set…" />;
  if (set.error) return <Alert tone="error">{toFormError(set.error).message}</Alert>;
  const data = set.data;
  return (
    <>
      <PageHeader
        title={data.name}
        description={
          <>
            {data.description ? <span className="block">{data.description}</span> : null}
            {data.customerCount.toLocaleString("en")} customers in {data.segments.length} segments · published{" "}
            {formatDateTime(data.createdAt)}
            {data.publishedByName ? ` by ${data.publishedByName}` : ""}
          </>
        }
        actions={
          data.runId ? (
            <ButtonLink href={`/${workspace}/segments/runs/${data.runId}`} variant="secondary">
              View the run
            </ButtonLink>
          ) : undefined
        }
      />
      <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3" aria-label="Segments">
        {data.segments.map((segment) => (
          <li key={segment.id} className="rounded-lg border border-slate-200 bg-white shadow-sm">
            <div className="h-1.5 rounded-t-lg" style={{ backgroundColor: segment.color }} />
            <div className="space-y-2 p-4">
              <h2 className="text-base font-semibold text-slate-900">
                <Link
                  href={`/${workspace}/segments/sets/${data.id}/${segment.id}`}
                  className="hover:underline"
                >
                  {segment.name}
                </Link>
              </h2>
              <p className="text-sm tabular-nums text-slate-600">
                {segment.size.toLocaleString("en")} customers (
                {formatPercent(data.customerCount ? segment.size / data.customerCount : 0)})
              </p>
              {segment.description ? <p className="text-sm text-slate-700">{segment.description}</p> : null}
              <ButtonLink
                href={`/${workspace}/segments/sets/${data.id}/${segment.id}`}
                size="sm"
                variant="secondary"
              >
                Customers of {segment.name}
              </ButtonLink>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}
