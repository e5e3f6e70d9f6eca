"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { RunProgressBar, RunStatusBadge } from "@/components/segments/run-status";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, Input, Select } from "@/components/ui/field";
import { CostIcon } from "@/components/ui/icons";
import { LoadingState } from "@/components/ui/spinner";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { CostResults } from "./cost-results";

const ACTIVE = new Set(["queued", "running"]);

/**
 * The cost-to-serve page: the latest run of the workspace, polled each second while it is queued
 * or running; an empty state before the first run, the reason when one failed, else the result.
 */
export function CostToServeView({ workspace, canCompute }: { workspace: string; canCompute: boolean }) {
  const trpc = useTRPC();
  const latest = useQuery({
    ...trpc.costToServe.latest.queryOptions({ workspace }),
    refetchInterval: (query) =>
      query.state.data?.run && ACTIVE.has(query.state.data.run.status) ? 1000 : false,
  });
  const [isComputeOpen, setComputeOpen] = useState(false);

  if (latest.isPending) return <LoadingState label="Loading cost-to-serve…" />;
  if (latest.error) return <Alert tone="error">{toFormError(latest.error).message}</Alert>;
  const { run, result } = latest.data;

  if (!run) {
    return (
      <EmptyState icon={<CostIcon />} title="No cost-to-serve computed yet">
        <p>
          Strata charges every customer the cost of the activities serving them takes (picking, deliveries,
          sales visits…) with the workspace's cost model, and shows which customers and segments make money
          once that is counted.
        </p>
        <p>
          Check the{" "}
          <a className="text-brand-700 underline" href={`/${workspace}/cost-to-serve/model`}>
            cost model
          </a>{" "}
          first: its rates are a starting point, not your costs.
        </p>
        {canCompute ? (
          <div className="pt-4 text-left">
            <ComputeForm workspace={workspace} />
          </div>
        ) : (
          <p>An editor of this workspace can compute it.</p>
        )}
      </EmptyState>
    );
  }

  const isActive = ACTIVE.has(run.status);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <RunStatusBadge status={run.status} />
          <span>
            {run.segmentSetName ? `Segments of “${run.segmentSetName}”` : "Without a segment set"} · started{" "}
            {formatDateTime(run.createdAt)}
            {run.finishedAt ? ` · finished ${formatDateTime(run.finishedAt)}` : ""}
          </span>
        </p>
        {canCompute && !isActive ? (
          <Button
            variant="secondary"
            aria-expanded={isComputeOpen}
            onClick={() => setComputeOpen(!isComputeOpen)}
          >
            Compute again
          </Button>
        ) : null}
      </div>

      {canCompute && !isActive && isComputeOpen ? (
        <Card>
          <CardContent>
            <ComputeForm
              workspace={workspace}
              defaultSetId={run.segmentSetId}
              onQueued={() => setComputeOpen(false)}
            />
          </CardContent>
        </Card>
      ) : null}

      {isActive ? (
        <Card>
          <CardHeader>
            <CardTitle>
              {run.status === "queued" ? "Waiting for a worker" : "Computing cost-to-serve"}
            </CardTitle>
            <CardDescription>This page updates by itself; you can leave it and come back.</CardDescription>
          </CardHeader>
          <CardContent>
            <RunProgressBar stage={run.progress.stage} percent={run.progress.percent} />
          </CardContent>
        </Card>
      ) : null}

      {run.status === "failed" ? (
        <Alert tone="error" title="Computing cost-to-serve failed">
          <p>{run.error ?? "No reason was recorded."}</p>
          {canCompute ? (
            <p className="mt-2">
              Fix the cause (often the{" "}
              <a className="underline" href={`/${workspace}/cost-to-serve/model`}>
                cost model
              </a>{" "}
              or the imported files), then compute again.
            </p>
          ) : null}
        </Alert>
      ) : null}

      {result ? <CostResults workspace={workspace} runId={run.id} result={result} /> : null}
    </div>
  );
}

/** Which segment set to break the result down by, and the period, then queue the run. */
function ComputeForm({
  workspace,
  defaultSetId = null,
  onQueued,
}: {
  workspace: string;
  defaultSetId?: string | null;
  onQueued?: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sets = useQuery(trpc.segment.listSets.queryOptions({ workspace }));
  const [setId, setSetId] = useState<string | null>(defaultSetId);
  const [periodDays, setPeriodDays] = useState("");
  const compute = useMutation(
    trpc.costToServe.compute.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.costToServe.latest.queryKey({ workspace }) });
        onQueued?.();
      },
    }),
  );
  const error = compute.error ? toFormError(compute.error) : null;
  // The newest published set is the natural default once the list is there.
  const chosen = setId ?? sets.data?.[0]?.id ?? "";

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const days = periodDays.trim() === "" ? undefined : Number(periodDays);
    compute.mutate({
      workspace,
      ...(chosen ? { segmentSetId: chosen } : {}),
      ...(days !== undefined ? { periodDays: days } : {}),
    });
  };

  return (
    <form onSubmit={submit} className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
      <Field
        id="cts-segment-set"
        label="Segment set"
        error={error?.fieldErrors.segmentSetId}
        hint="The P&L is broken down by its segments; without one, every customer is in “Unassigned”."
      >
        {(aria) => (
          <Select
            {...aria}
            value={chosen}
            onChange={(e) => setSetId(e.target.value)}
            disabled={sets.isPending}
          >
            {sets.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({s.customerCount.toLocaleString("en-GB")} customers)
              </option>
            ))}
            <option value="">No segment set</option>
          </Select>
        )}
      </Field>
      <Field
        id="cts-period"
        label="Period (days)"
        error={error?.fieldErrors.periodDays}
        hint="Spreads yearly costs (per customer and year); empty: first to last order date."
      >
        {(aria) => (
          <Input
            {...aria}
            type="number"
            min={1}
            max={3660}
            step={1}
            inputMode="numeric"
            placeholder="From the orders"
            value={periodDays}
            onChange={(e) => setPeriodDays(e.target.value)}
          />
        )}
      </Field>
      <div className="sm:pt-6">
        <Button type="submit" isLoading={compute.isPending}>
          Compute cost-to-serve
        </Button>
      </div>
      {error && Object.keys(error.fieldErrors).length === 0 ? (
        <Alert tone="error" className="sm:col-span-3">
          {error.message}
        </Alert>
      ) : null}
    </form>
  );
}

/** Link to the cost model, for the page header. */
export function CostModelLink({ workspace }: { workspace: string }) {
  return (
    <ButtonLink href={`/${workspace}/cost-to-serve/model`} variant="secondary">
      Cost model
    </ButtonLink>
  );
}
