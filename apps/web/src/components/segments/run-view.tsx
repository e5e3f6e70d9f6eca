"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { LoadingState } from "@/components/ui/spinner";
import { useToast } from "@/components/ui/toast";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { ALGORITHM_LABELS } from "./result-types";
import { RunResults } from "./run-results";
import { ACTIVE_STATUSES, RunProgressBar, RunStatusBadge } from "./run-status";

/** How long after a run succeeded its page waits for the t-SNE map drawn after the segments. */
const MAP_WAIT_MS = 10 * 60_000;

/** A run's page: live progress while it works (polling run.get each second), then its result. */
export function RunView({
  workspace,
  runId,
  canEdit,
}: {
  workspace: string;
  runId: string;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const run = useQuery({
    ...trpc.run.get.queryOptions({ workspace, id: runId }),
    // While active, and then while the t-SNE map is drawn after the segments (for a while at most:
    // a worker stopped mid-map leaves it pending).
    refetchInterval: (query) => {
      const data = query.state.data;
      if (!data || ACTIVE_STATUSES.has(data.status)) return 1000;
      const finished = data.finishedAt ? new Date(data.finishedAt).getTime() : 0;
      return data.result?.tsnePending && Date.now() - finished < MAP_WAIT_MS ? 2000 : false;
    },
  });
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.run.get.queryKey({ workspace, id: runId }) });
  const cancel = useMutation(
    trpc.run.cancel.mutationOptions({
      onSuccess: () => {
        toast.show("The run was cancelled.");
        void refresh();
      },
      onError: (error) => toast.show(toFormError(error).message, "error"),
    }),
  );
  const retry = useMutation(
    trpc.run.retry.mutationOptions({
      onSuccess: () => void refresh(),
      onError: (error) => toast.show(toFormError(error).message, "error"),
    }),
  );

  if (run.isPending) return <LoadingState label="Loading the run…" />;
  if (run.error) return <Alert tone="error">{toFormError(run.error).message}</Alert>;
  const data = run.data;
  // Parsed through the run contract by the api: older runs' configs come with today's defaults.
  const config = data.config;
  const algorithm = ALGORITHM_LABELS[config.algorithm] ?? config.algorithm;
  const isActive = ACTIVE_STATUSES.has(data.status);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <p className="text-sm">
            <a href={`/${workspace}/segments`} className="text-brand-700 hover:underline">
              Segments
            </a>{" "}
            <span className="text-slate-400">/</span> <span className="text-slate-600">Run</span>
          </p>
          <h1 className="mt-1 flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight text-slate-900">
            {data.name || `${algorithm} run`}
            <RunStatusBadge status={data.status} />
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {algorithm},{" "}
            {config.algorithm === "dbscan"
              ? "segments found by density"
              : config.k === "auto"
                ? `k chosen from ${config.kMin}–${config.kMax}`
                : `k = ${config.k}`}
            {" · "}started {formatDateTime(data.createdAt)}
          </p>
        </div>
        {data.status === "succeeded" && canEdit ? (
          <div className="flex flex-wrap gap-2">
            <ButtonLink href={`/${workspace}/segments/compare?a=${runId}`} variant="secondary">
              Compare with another run
            </ButtonLink>
            <ButtonLink href={`/${workspace}/segments/runs/${runId}/republish`} variant="secondary">
              Publish into an existing set
            </ButtonLink>
            <ButtonLink href={`/${workspace}/segments/runs/${runId}/publish`}>
              Publish as segment set
            </ButtonLink>
          </div>
        ) : data.status === "succeeded" ? (
          <ButtonLink href={`/${workspace}/segments/compare?a=${runId}`} variant="secondary">
            Compare with another run
          </ButtonLink>
        ) : null}
      </div>

      {isActive ? (
        <Card>
          <CardHeader>
            <CardTitle>
              {data.status === "queued" ? "Waiting for a worker" : "Segmenting your customers"}
            </CardTitle>
            <CardDescription>This page updates by itself; you can leave it and come back.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            <RunProgressBar stage={data.progress.stage} percent={data.progress.percent} />
            {canEdit ? (
              <div className="flex justify-end">
                <Button
                  variant="danger-ghost"
                  isLoading={cancel.isPending}
                  onClick={() => cancel.mutate({ workspace, id: runId })}
                >
                  Cancel run
                </Button>
              </div>
            ) : null}
          </CardContent>
        </Card>
      ) : null}

      {data.status === "failed" || data.status === "cancelled" ? (
        <Alert
          tone={data.status === "failed" ? "error" : "warning"}
          title={data.status === "failed" ? "The run failed" : "The run was cancelled"}
        >
          <p>
            {data.error ??
              (data.status === "cancelled"
                ? "It was stopped before it finished."
                : "No reason was recorded.")}
          </p>
          {canEdit ? (
            <div className="mt-3 flex gap-2">
              <Button
                size="sm"
                variant="secondary"
                isLoading={retry.isPending}
                onClick={() => retry.mutate({ workspace, id: runId })}
              >
                Retry
              </Button>
              <ButtonLink size="sm" variant="ghost" href={`/${workspace}/segments/runs/new`}>
                Change the settings
              </ButtonLink>
            </div>
          ) : null}
        </Alert>
      ) : null}

      {data.status === "succeeded" ? (
        <RunResults
          workspace={workspace}
          runId={runId}
          result={data.result}
          mapSample={data.mapSample}
          metrics={data.metrics}
          progress={data.progress}
        />
      ) : null}
    </div>
  );
}
