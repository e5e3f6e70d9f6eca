"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PlusIcon, SegmentsIcon } from "@/components/ui/icons";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { StatusBadge } from "./definitions/review-panel";
import { ALGORITHM_LABELS, formatNumber, formatPercent } from "./result-types";
import { ACTIVE_STATUSES, RunStatusBadge } from "./run-status";

/** Published segment sets first (what the business uses), then the runs they came from. */
export function SegmentsOverview({ workspace, canEdit }: { workspace: string; canEdit: boolean }) {
  return (
    <div className="space-y-8">
      <SegmentSetList workspace={workspace} canEdit={canEdit} />
      <RunList workspace={workspace} canEdit={canEdit} />
    </div>
  );
}

function SegmentSetList({ workspace, canEdit }: { workspace: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const sets = useQuery(trpc.segment.listSets.queryOptions({ workspace }));
  return (
    <section aria-labelledby="sets-heading" className="space-y-3">
      <div className="flex items-center justify-between gap-3">
        <h2 id="sets-heading" className="text-lg font-semibold text-slate-900">
          Segment sets
        </h2>
        {canEdit ? (
          <ButtonLink href={`/${workspace}/segments/rules/new`} size="sm" variant="secondary">
            <PlusIcon /> New rule segment
          </ButtonLink>
        ) : null}
      </div>
      {sets.isPending ? <LoadingState label="Loading segment sets…" /> : null}
      {sets.error ? <Alert tone="error">{toFormError(sets.error).message}</Alert> : null}
      {sets.data && sets.data.length === 0 ? (
        <EmptyState
          icon={<SegmentsIcon />}
          title="No segments yet"
          action={
            canEdit ? (
              <ButtonLink href={`/${workspace}/segments/runs/new`}>
                <PlusIcon /> New run
              </ButtonLink>
            ) : undefined
          }
        >
          <p>
            Segments come from a segmentation run over your customers&apos; features. Start a run, review the
            result and publish it as a segment set with names.
          </p>
        </EmptyState>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-2">
        {sets.data?.map((set) => (
          <Card key={set.id}>
            <CardHeader>
              <CardTitle className="flex flex-wrap items-center gap-2">
                <Link href={`/${workspace}/segments/sets/${set.id}`} className="hover:underline">
                  {set.name}
                </Link>
                <StatusBadge status={set.status} version={set.version} />
                {set.kind === "rule" ? <Badge tone="neutral">Rule</Badge> : null}
              </CardTitle>
              <CardDescription>
                {set.customerCount.toLocaleString("en")} customers · published {formatDateTime(set.createdAt)}
                {set.publishedByName ? ` by ${set.publishedByName}` : ""}
              </CardDescription>
            </CardHeader>
            <ul className="divide-y divide-slate-100">
              {set.segments.map((segment) => (
                <li key={segment.id} className="flex items-center justify-between gap-3 px-6 py-2.5 text-sm">
                  <Link
                    href={`/${workspace}/segments/sets/${set.id}/${segment.id}`}
                    className="flex min-w-0 items-center gap-2 font-medium text-slate-800 hover:underline"
                  >
                    <span
                      className="size-3 shrink-0 rounded-full"
                      style={{ backgroundColor: segment.color }}
                      aria-hidden
                    />
                    <span className="truncate">{segment.name}</span>
                  </Link>
                  <span className="shrink-0 tabular-nums text-slate-500">
                    {segment.size.toLocaleString("en")} (
                    {formatPercent(set.customerCount ? segment.size / set.customerCount : 0)})
                  </span>
                </li>
              ))}
            </ul>
          </Card>
        ))}
      </div>
    </section>
  );
}

function RunList({ workspace, canEdit }: { workspace: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const runs = useQuery({
    ...trpc.run.list.queryOptions({ workspace, limit: 50 }),
    refetchInterval: (query) =>
      query.state.data?.items.some((r) => ACTIVE_STATUSES.has(r.status)) ? 2000 : false,
  });
  return (
    <section aria-labelledby="runs-heading" className="space-y-3">
      <div className="flex items-center justify-between gap-3">
        <h2 id="runs-heading" className="text-lg font-semibold text-slate-900">
          Runs
        </h2>
        {canEdit ? (
          <ButtonLink href={`/${workspace}/segments/runs/new`} size="sm">
            <PlusIcon /> New run
          </ButtonLink>
        ) : null}
      </div>
      <Card>
        {runs.isPending ? <LoadingState label="Loading runs…" /> : null}
        {runs.error ? (
          <div className="p-4">
            <Alert tone="error">{toFormError(runs.error).message}</Alert>
          </div>
        ) : null}
        {runs.data && runs.data.items.length === 0 ? (
          <p className="px-6 py-8 text-center text-sm text-slate-500">
            No runs yet. A run groups your customers by their features.
          </p>
        ) : null}
        {runs.data && runs.data.items.length > 0 ? (
          <Table>
            <THead>
              <tr>
                <Th>Run</Th>
                <Th>Status</Th>
                <Th className="text-right">Segments</Th>
                <Th className="text-right">Silhouette</Th>
                <Th>Started</Th>
              </tr>
            </THead>
            <TBody>
              {runs.data.items.map((run) => {
                const config = run.config;
                const metrics = run.metrics ?? {};
                const label = run.name || `${ALGORITHM_LABELS[config.algorithm] ?? config.algorithm} run`;
                return (
                  <tr key={run.id}>
                    <Td>
                      <Link
                        href={`/${workspace}/segments/runs/${run.id}`}
                        className="font-medium text-brand-700 hover:underline"
                      >
                        {label}
                      </Link>
                      <span className="block text-xs text-slate-500">
                        {ALGORITHM_LABELS[config.algorithm]}
                      </span>
                    </Td>
                    <Td>
                      <RunStatusBadge status={run.status} />
                      {ACTIVE_STATUSES.has(run.status) ? (
                        <span className="ml-2 text-xs tabular-nums text-slate-500">
                          {Math.round(run.progress.percent)}%
                        </span>
                      ) : null}
                    </Td>
                    <Td className="text-right tabular-nums">{metrics.k ?? "–"}</Td>
                    <Td className="text-right tabular-nums">{formatNumber(metrics.silhouette)}</Td>
                    <Td className="whitespace-nowrap text-slate-500">{formatDateTime(run.createdAt)}</Td>
                  </tr>
                );
              })}
            </TBody>
          </Table>
        ) : null}
      </Card>
    </section>
  );
}
