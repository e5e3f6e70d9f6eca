"use client";

import type { RouterOutputs } from "@strata/api";
import { useQuery } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { formatStatistic, isYearColumn } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { CorrelationGrid } from "./correlation-grid";

type Profile = NonNullable<RouterOutputs["dataset"]["get"]["profile"]>;
type Column = Profile["columns"][number];

/** How a column's figures print: years without a thousands separator ("1893", not "1,893"). */
function formatterFor(column: Column) {
  const isYear = column.type === "numeric" && isYearColumn(column);
  return (v: number | string | null | undefined) => formatStatistic(v, { type: column.type, isYear });
}

/** Bars of a histogram (numeric and date columns) or of the top values (the others). */
function Distribution({ column }: { column: Column }) {
  const format = formatterFor(column);
  const bars = column.histogram?.length
    ? column.histogram.map((b) => ({
        label:
          column.type === "date"
            ? new Date(b.from).toISOString().slice(0, 7)
            : `${format(b.from)} – ${format(b.to)}`,
        count: b.count,
      }))
    : (column.topValues ?? []).map((t) => ({ label: t.value, count: t.count }));
  if (bars.length === 0) return <span className="text-xs text-slate-400">—</span>;
  const max = Math.max(...bars.map((b) => b.count), 1);
  const isTop = !column.histogram?.length;
  if (isTop) {
    return (
      <div className="w-56 space-y-0.5">
        {bars.slice(0, 5).map((b) => (
          <div
            key={b.label}
            className="flex items-center gap-2 text-xs"
            title={`${b.label}: ${b.count.toLocaleString()}`}
          >
            <span className="w-24 truncate text-slate-600">{b.label}</span>
            <span className="h-2 rounded bg-brand-500" style={{ width: `${(b.count / max) * 72}px` }} />
            <span className="tabular-nums text-slate-500">{b.count.toLocaleString()}</span>
          </div>
        ))}
      </div>
    );
  }
  return (
    <div className="flex h-10 w-56 items-end gap-px" role="img" aria-label={`Histogram of ${column.name}`}>
      {bars.map((b, i) => (
        <span
          key={i}
          className="flex-1 rounded-t-sm bg-brand-500"
          style={{ height: `${Math.max(2, (b.count / max) * 100)}%` }}
          title={`${b.label}: ${b.count.toLocaleString()}`}
        />
      ))}
    </div>
  );
}

/** The profiling page: per column type, missing share, distinct values, range and distribution; feature correlations. */
export function DatasetProfile({ workspace, id }: { workspace: string; id: string }) {
  const trpc = useTRPC();
  // A profile is computed by a job after each import: while it is pending, ask again every few seconds.
  const dataset = useQuery({
    ...trpc.dataset.get.queryOptions({ workspace, id }),
    refetchInterval: (query) => (query.state.data?.profileStatus === "pending" ? 3_000 : false),
  });
  if (dataset.isLoading) return <p className="text-sm text-slate-500">Loading…</p>;
  if (!dataset.data)
    return <p className="text-sm text-red-700">{dataset.error?.message ?? "Dataset not found"}</p>;
  const { profile, profileStatus } = dataset.data;
  const pending =
    profileStatus === "pending" ? (
      <div className="flex items-center gap-3 text-sm text-slate-500" role="status">
        <span>
          {profile ? "Profiling the latest data… (the figures below are from before)" : "Profiling…"}
        </span>
        <Button
          variant="secondary"
          size="sm"
          onClick={() => void dataset.refetch()}
          disabled={dataset.isFetching}
        >
          Refresh
        </Button>
      </div>
    ) : null;
  if (!profile) return pending;
  return (
    <div className="space-y-6">
      {pending}
      <Card>
        <CardHeader>
          <CardTitle>Columns</CardTitle>
          <CardDescription>
            {profile.rows.toLocaleString()} rows
            {profile.sampleSize < profile.rows
              ? ` (profiled before figures covered every row: statistics on a random sample of ${profile.sampleSize.toLocaleString()}; re-import to refresh)`
              : " · every figure and distribution computed over all rows"}{" "}
            · profiled{" "}
            {dataset.data.profiledAt ? new Date(dataset.data.profiledAt).toLocaleString() : "just now"}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <Table>
            <THead>
              <tr>
                <Th>Column</Th>
                <Th>Type</Th>
                <Th className="text-right">Missing</Th>
                <Th className="text-right">Distinct</Th>
                <Th className="text-right">Min</Th>
                <Th className="text-right">Median</Th>
                <Th className="text-right">Mean</Th>
                <Th className="text-right">Max</Th>
                <Th>Distribution</Th>
              </tr>
            </THead>
            <TBody>
              {profile.columns.map((c) => {
                const format = formatterFor(c);
                return (
                  <tr key={`${c.field}-${c.name}`}>
                    <Td>
                      <span className="font-medium text-slate-900">{c.name}</span>
                      {c.field !== c.name ? (
                        <span className="block text-xs text-slate-500">{c.field}</span>
                      ) : null}
                    </Td>
                    <Td>{c.type}</Td>
                    <Td
                      className="text-right tabular-nums"
                      title={`${c.missing.toLocaleString()} of ${c.count.toLocaleString()} rows`}
                    >
                      {(c.missingShare * 100).toFixed(1)}%
                    </Td>
                    <Td className="text-right tabular-nums">{c.distinct.toLocaleString()}</Td>
                    <Td className="text-right tabular-nums">{format(c.min)}</Td>
                    <Td className="text-right tabular-nums">{format(c.median)}</Td>
                    <Td className="text-right tabular-nums">{format(c.mean)}</Td>
                    <Td className="text-right tabular-nums">{format(c.max)}</Td>
                    <Td>
                      <Distribution column={c} />
                    </Td>
                  </tr>
                );
              })}
            </TBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Correlation of customer features</CardTitle>
          <CardDescription>
            Pearson correlation between the per-customer features computed after each import (sample of{" "}
            {profile.correlation.sampleSize.toLocaleString()} customers). Strongly correlated features say
            much the same thing: pick one of them for segmenting.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {profile.correlation.features.length > 1 ? (
            <CorrelationGrid features={profile.correlation.features} matrix={profile.correlation.matrix} />
          ) : (
            <p className="text-sm text-slate-500">Not enough numeric features yet.</p>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
