"use client";

import { useQuery } from "@tanstack/react-query";
import { FairnessCard } from "@/components/segments/fairness/fairness-card";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { LoadingState } from "@/components/ui/spinner";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { CorrelationHeatmap } from "./charts/correlation-heatmap";
import { Dendrogram } from "./charts/dendrogram";
import { ElbowChart, ScoresByK } from "./charts/model-selection-charts";
import { SegmentMap } from "./charts/segment-map";
import {
  featureLabel,
  formatNumber,
  formatPercent,
  type ModelSelectionPoint,
  type RunMetrics,
  type RunResult,
  readRunResult,
  segmentLabel,
} from "./result-types";
import { RunProgressBar } from "./run-status";
import { SegmentCard } from "./segment-card";

/** Everything a finished run shows: model selection, the map, a card per segment, correlations. */
export function RunResults({
  workspace,
  runId,
  result: raw,
  mapSample,
  metrics: rawMetrics,
  progress,
}: {
  workspace: string;
  runId: string;
  /** As run.get returns them: parsed through the run contract (older runs' missing parts filled). */
  result: RunResult | null;
  /** How many customers each map of the run's sample holds (its points come with run.map). */
  mapSample: { pca: number; tsne: number };
  metrics: RunMetrics | null;
  progress: { stage: string; percent: number };
}) {
  const trpc = useTRPC();
  const insights = useQuery(trpc.segment.runInsights.queryOptions({ workspace, runId }));
  const result = readRunResult(raw);
  const metrics: RunMetrics = rawMetrics ?? {};
  if (!result) return <Alert tone="error">This run finished without a result document.</Alert>;
  const names = result.explanation?.segments.map((s) => s.name) ?? [];
  const totalCustomers = result.preparation?.rowsUsed ?? result.sizes.reduce((a, b) => a + b, 0);
  const noise = result.algorithmDetails.noise ?? 0;
  const cardSegments = [...result.sizes.map((_, s) => s), ...(noise > 0 ? [-1] : [])];

  return (
    <div className="space-y-6">
      <Card>
        <CardContent className="space-y-4 py-5">
          <RunProgressBar stage={progress.stage} percent={progress.percent} />
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5">
            <Stat label="Segments" value={String(result.k)} />
            <Stat label="Customers" value={totalCustomers.toLocaleString("en")} />
            <Stat label="Silhouette" value={formatNumber(metrics.silhouette)} />
            <Stat
              label="Stability"
              value={result.stability === null ? "–" : formatNumber(result.stability)}
              hint="Adjusted Rand index of the segments over bootstrap resamples: 1 means the same segments every time, under 0.5 they are not to be trusted."
            />
            {result.algorithm === "dbscan" ? (
              <Stat
                label="Noise share"
                value={formatPercent(metrics.noiseShare ?? (totalCustomers ? noise / totalCustomers : null))}
              />
            ) : (
              <Stat label="Davies-Bouldin" value={formatNumber(metrics.daviesBouldin)} />
            )}
          </dl>
          <p className="text-sm text-slate-700" data-testid="chosen-k-reason">
            <span className="font-medium text-slate-900">
              Why {result.k} segment{result.k === 1 ? "" : "s"}:{" "}
            </span>
            {result.chosenK.reason}
          </p>
          <CoverageNote result={result} />
          <PreparationSummary result={result} />
          {result.droppedFeatures.length > 0 ? (
            <p className="text-xs text-slate-500">
              Left out:{" "}
              {result.droppedFeatures.map((f) => `${featureLabel(f.feature)} (${f.reason})`).join("; ")}.
            </p>
          ) : null}
        </CardContent>
      </Card>

      {result.algorithm === "dbscan" ? (
        <Alert
          tone="info"
          title={`Noise: ${formatPercent(totalCustomers ? noise / totalCustomers : 0)} of customers`}
        >
          DBSCAN left {noise.toLocaleString("en")} customers in no dense group (radius{" "}
          {formatNumber(result.algorithmDetails.eps)}, at least {result.algorithmDetails.minSamples ?? "–"}{" "}
          customers per neighbourhood). They are shown in grey and can be published as their own segment.
        </Alert>
      ) : null}

      {result.modelSelection.length > 1 ? (
        <Card>
          <CardHeader>
            <CardTitle>Choosing the number of segments</CardTitle>
            <CardDescription>Each k was tried; the dashed line marks the k that was chosen.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-6">
            <div>
              <h3 className="text-sm font-medium text-slate-700">
                Elbow: inertia by k (lower means tighter segments)
              </h3>
              <ElbowChart points={result.modelSelection} chosenK={result.k} />
            </div>
            <ScoresByK points={result.modelSelection} chosenK={result.k} />
            <KTable points={result.modelSelection} chosenK={result.k} />
          </CardContent>
        </Card>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle>Map of customers</CardTitle>
          <CardDescription>
            Each dot is a customer, coloured by segment. Hover a dot to see who it is.
          </CardDescription>
        </CardHeader>
        <CardContent>
          {mapSample.pca > 0 ? (
            <SegmentMap
              workspace={workspace}
              runId={runId}
              mapSample={mapSample}
              tsnePending={result.tsnePending}
              explainedVariance={result.map.explainedVarianceRatio}
              names={names}
              totalCustomers={totalCustomers}
              sizes={{ ...result.sizes, [-1]: noise }}
            />
          ) : (
            <p className="text-sm text-slate-500">This run has no map sample.</p>
          )}
        </CardContent>
      </Card>

      <section aria-labelledby="segments-heading" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="segments-heading" className="text-lg font-semibold text-slate-900">
            Segments
          </h2>
          {insights.data?.revenue === null ? (
            <p className="text-xs text-slate-500">
              No revenue feature (monetary) in this workspace: revenue share not shown.
            </p>
          ) : null}
        </div>
        {insights.isPending ? <LoadingState label="Measuring revenue share…" /> : null}
        {insights.error ? <Alert tone="error">{toFormError(insights.error).message}</Alert> : null}
        <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {cardSegments.map((segment) => {
            const row = insights.data?.segments.find((s) => s.segment === segment);
            const size = segment < 0 ? noise : (result.sizes[segment] ?? 0);
            return (
              <SegmentCard
                key={segment}
                name={segmentLabel(segment, names)}
                explanation={result.explanation}
                data={{
                  segment,
                  size,
                  share: totalCustomers ? size / totalCustomers : 0,
                  revenueShare: row?.revenueShare ?? null,
                }}
              />
            );
          })}
        </div>
      </section>

      <FairnessCard workspace={workspace} runId={runId} segmentNames={names} />

      {result.algorithm === "hierarchical" && result.algorithmDetails.dendrogram ? (
        <Card>
          <CardHeader>
            <CardTitle>Dendrogram</CardTitle>
            <CardDescription>
              How the {result.algorithmDetails.linkage ?? "ward"} linkage merged customers into groups, top of
              the tree only.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <Dendrogram
              rows={result.algorithmDetails.dendrogram.rows}
              lastMerges={result.algorithmDetails.dendrogram.lastMerges}
              k={result.k}
            />
          </CardContent>
        </Card>
      ) : null}

      {result.explanation ? (
        <Card>
          <CardHeader>
            <CardTitle>Correlation between features</CardTitle>
            <CardDescription>
              Pearson correlation of the features used: red moves together, blue moves opposite.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <CorrelationHeatmap
              features={result.explanation.features}
              matrix={result.explanation.correlation}
            />
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}

/** Why the run has fewer customers than the workspace, so the counts on different pages reconcile. */
function CoverageNote({ result }: { result: RunResult }) {
  const p = result.preparation;
  if (!p) return null;
  const workspace = p.customersInWorkspace;
  const withoutFeatures = workspace === undefined ? 0 : workspace - p.rowsIn;
  if (withoutFeatures <= 0 && p.rowsDropped <= 0) return null;
  const parts: string[] = [];
  if (withoutFeatures > 0)
    parts.push(
      `${withoutFeatures.toLocaleString("en")} have no features (no order lines that count: only returns, or every order cancelled)`,
    );
  if (p.rowsDropped > 0)
    parts.push(`${p.rowsDropped.toLocaleString("en")} were left out for missing values (the run's setting)`);
  return (
    <p className="text-sm text-slate-700" data-testid="coverage-note">
      <span className="font-medium text-slate-900">
        {p.rowsUsed.toLocaleString("en")} of {(workspace ?? p.rowsIn).toLocaleString("en")} customers
        segmented:{" "}
      </span>
      {parts.join("; ")}.
    </p>
  );
}

/** How the features were reshaped and which customers were set aside, in two sentences. */
function PreparationSummary({ result }: { result: RunResult }) {
  const reshaped = result.transforms.filter((t) => t.kind !== "none");
  const outliers = result.outliers;
  if (reshaped.length === 0 && !outliers?.count) return null;
  return (
    <div className="space-y-1 text-sm text-slate-700" data-testid="preparation-summary">
      {reshaped.length > 0 ? (
        <p>
          <span className="font-medium text-slate-900">Skewed features reshaped: </span>
          {reshaped
            .map(
              (t) =>
                `${featureLabel(t.feature)} by ${t.kind === "log1p" ? "log(1 + x)" : `Yeo-Johnson (λ ${formatNumber(t.lambda)})`} (skew ${formatNumber(t.skewBefore)} → ${formatNumber(t.skewAfter)})`,
            )
            .join("; ")}
          . Profiles and rules below are in the features' own units.
        </p>
      ) : null}
      {outliers && outliers.count > 0 ? (
        <details>
          <summary className="cursor-pointer">
            <span className="font-medium text-slate-900">Outliers set aside: </span>
            {outliers.count.toLocaleString("en")} customers ({formatPercent(outliers.share)}) were extreme on{" "}
            {outliers.byFeature.map((f) => `${featureLabel(f.feature)} (${f.count})`).join(", ")}. They did
            not shape the segments and joined the nearest one.
          </summary>
          <p className="mt-1 break-words text-xs text-slate-500">
            Most extreme first: {outliers.customers.slice(0, 50).join(", ")}
            {outliers.customers.length > 50 ? "…" : ""}
          </p>
        </details>
      ) : null}
    </div>
  );
}

/** Every k tried, with what ruled it in or out. */
function KTable({ points, chosenK }: { points: ModelSelectionPoint[]; chosenK: number }) {
  if (!points.some((p) => p.minShare != null)) return null;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label="Scores of each k">
        <thead className="text-xs text-slate-500">
          <tr>
            <th className="px-2 py-1 font-medium">k</th>
            <th className="px-2 py-1 text-right font-medium">Smallest segment</th>
            <th className="px-2 py-1 text-right font-medium">Largest segment</th>
            <th className="px-2 py-1 text-right font-medium">Stability</th>
            <th className="px-2 py-1 text-right font-medium">Silhouette</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.k} className={p.k === chosenK ? "bg-indigo-50 font-medium" : ""}>
              <td className="px-2 py-1">
                {p.k}
                {p.k === chosenK ? " (chosen)" : ""}
              </td>
              <td className="px-2 py-1 text-right tabular-nums">{formatPercent(p.minShare)}</td>
              <td className="px-2 py-1 text-right tabular-nums">{formatPercent(p.maxShare)}</td>
              <td className="px-2 py-1 text-right tabular-nums">{formatNumber(p.stability)}</td>
              <td className="px-2 py-1 text-right tabular-nums">{formatNumber(p.silhouette)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-md bg-slate-50 px-3 py-2" title={hint}>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums text-slate-900">{value}</dd>
    </div>
  );
}
