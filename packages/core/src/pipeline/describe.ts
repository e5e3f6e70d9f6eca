import { assignToNearest } from "../cluster/kmeans/index.js";
import { pca } from "../embed/pca.js";
import type { Matrix } from "../matrix/matrix.js";
import { calinskiHarabasz, daviesBouldin } from "../metrics/cluster-indices.js";
import { silhouette } from "../metrics/silhouette.js";
import { createCentroidModel, createMixtureModel, type SegmentModel } from "../model/model.js";
import type { FittedScaler } from "../preprocess/scaler.js";
import { stabilityOf } from "./choose.js";
import { explainResult, tsneSampleOf } from "./explain-result.js";
import type { Clustering } from "./fit.js";
import type { PreparedMatrix } from "./prepare-matrix.js";

/** What describing reads of the prepared matrices: all but the fitted rows' copy. */
type Described = Omit<PreparedMatrix, "fitX">;

import { centroidsOf, distancesTo, metricOrNull, pickRows, round, segmentSizes, toRows } from "./shared.js";
import type { OutlierReport, Progress, SegmentationInput, SegmentationResult } from "./types.js";

/**
 * Labels for every prepared row: the fitted rows keep theirs, the outliers set aside take the
 * nearest segment centre (DBSCAN never sets any aside).
 */
function labelAllRows(prepared: Described, clustering: Clustering): Int32Array {
  const { x, fitRows, outliers } = prepared;
  if (outliers.count === 0) return clustering.labels;
  const labels = new Int32Array(x.n);
  fitRows.forEach((r, i) => {
    labels[r] = clustering.labels[i]!;
  });
  const outlierRows = Int32Array.from({ length: x.n }, (_, i) => i).filter((i) => outliers.mask[i] === 1);
  const nearest = assignToNearest(pickRows(x, outlierRows), clustering.centroids, clustering.k).labels;
  outlierRows.forEach((r, i) => {
    labels[r] = nearest[i]!;
  });
  return labels;
}

/** Every prepared row's segment and its distance to the segment's centre, as a run stores them. */
export interface RowAssignments {
  /** Index into the input rows of each prepared row. */
  rows: Int32Array;
  labels: Int32Array;
  distances: Float64Array;
}

/**
 * The memberships of a clustering, known before it is measured and explained: a run starts writing
 * them while its segments are still being described.
 */
export function assignmentsOf(prepared: Described, clustering: Clustering): RowAssignments {
  const labels = labelAllRows(prepared, clustering);
  return { rows: prepared.rows, labels, distances: distancesTo(prepared.x, labels, clustering.centroids) };
}

/** Segment means in the features' own units. */
function originalCentres(original: Matrix, labels: Int32Array, k: number): number[][] {
  const means = centroidsOf(original, labels, k);
  return toRows(means, k, original.d);
}

function outlierReport(prepared: Described): OutlierReport {
  const { outliers, features, x } = prepared;
  const rows: number[] = [];
  const counts = new Map<number, number>();
  for (let i = 0; i < x.n; i++) {
    if (!outliers.mask[i]) continue;
    rows.push(i);
    const j = outliers.feature[i]!;
    counts.set(j, (counts.get(j) ?? 0) + 1);
  }
  rows.sort((a, b) => outliers.score[b]! - outliers.score[a]!);
  return {
    count: outliers.count,
    share: round(outliers.count / Math.max(1, x.n), 4) ?? 0,
    threshold: outliers.threshold,
    byFeature: [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([j, count]) => ({ feature: features[j] ?? String(j), count })),
    rows,
  };
}

/** Distances, sizes, metrics and the map: the same for every algorithm. */
export function describeClustering(
  input: SegmentationInput,
  // Not the fitted rows' copy: a caller may let it go once the clustering is done.
  prepared: Described,
  clustering: Clustering,
  progress: Progress,
): SegmentationResult {
  const { x } = prepared;
  const { k, centroids, inertia, modelSelection } = clustering;
  let { chosenK } = clustering;
  const seed = input.options.seed;
  progress("Measuring the segments", 85);
  const { labels, distances } = assignmentsOf(prepared, clustering);
  const sizes = segmentSizes(labels, k);
  let noise = 0;
  for (const l of labels) if (l < 0) noise++;
  const swept = modelSelection.find((p) => p.k === k);
  const metrics = {
    inertia: inertia === null ? null : round(inertia),
    silhouette: swept?.silhouette ?? metricOrNull(() => silhouette(x, labels, { seed })),
    calinskiHarabasz: swept?.calinskiHarabasz ?? metricOrNull(() => calinskiHarabasz(x, labels)),
    daviesBouldin: swept?.daviesBouldin ?? metricOrNull(() => daviesBouldin(x, labels)),
    noiseShare: input.options.algorithm === "dbscan" ? round(noise / x.n) : null,
  };
  const { algorithm } = input.options;
  const stability =
    swept?.stability ??
    (algorithm === "kmeans" || algorithm === "minibatch"
      ? stabilityOf(prepared.x, k, seed, prepared.fitRows)
      : null);
  if (modelSelection.length === 0 && algorithm !== "dbscan") {
    // A k set by hand is kept, but the user hears when it makes a segment too small to act on.
    const clustered = sizes.reduce((a, b) => a + b, 0) || 1;
    const small = sizes.flatMap((size, s) =>
      size / clustered < input.options.minSegmentShare
        ? [`segment ${s + 1} (${((100 * size) / clustered).toFixed(1)}%)`]
        : [],
    );
    if (small.length > 0) {
      chosenK = {
        k: chosenK.k,
        reason: `${chosenK.reason} ${small.join(", ")} ${small.length === 1 ? "is" : "are"} under the minimum segment share of ${(100 * input.options.minSegmentShare).toFixed(0)}%: consider fewer segments.`,
      };
    }
  }

  progress("Drawing the map", 92);
  const map = mapSample(x, labels, input.options.mapSampleSize);
  progress("Explaining the segments", 94);
  const sampleRows = map.points.map((p) => p[0]);
  const tsneMode = input.options.tsne ?? "inline";
  const explanation = explainResult(
    x,
    labels,
    prepared.features,
    prepared.original,
    tsneMode === "inline" ? sampleRows : [],
    seed,
  );

  return {
    rows: prepared.rows,
    labels,
    distances,
    k,
    sizes,
    features: prepared.features,
    droppedFeatures: prepared.dropped,
    scaler: {
      kind: prepared.scaler.kind,
      center: Array.from(prepared.scaler.center),
      scale: Array.from(prepared.scaler.scale),
    },
    centroids: toRows(centroids, k, x.d),
    centroidsOriginal: originalCentres(prepared.original, labels, k),
    modelSelection,
    chosenK,
    metrics,
    preparation: {
      rowsIn: input.n,
      rowsUsed: x.n,
      rowsDropped: input.n - x.n,
      valuesImputed: prepared.valuesImputed,
    },
    map,
    algorithmDetails: clustering.extra ?? {},
    explanation,
    ...(tsneMode === "deferred" ? { tsneSample: tsneSampleOf(x, labels, sampleRows) } : {}),
    transforms: prepared.transforms.map((t, j) => ({
      feature: prepared.features[j]!,
      kind: t.kind,
      ...(t.lambda === undefined ? {} : { lambda: round(t.lambda, 4) ?? 0 }),
      skewBefore: round(t.skewBefore, 4),
      skewAfter: round(t.skewAfter, 4),
    })),
    outliers: outlierReport(prepared),
    stability,
    iterations: clustering.iterations ?? null,
    model: fittedModel(
      input,
      prepared,
      clustering,
      explanation?.explanation?.segments.map((s) => s.name),
    ),
  };
}

/**
 * PCA of an evenly spread sample of rows: [row index into `rows`, x, y, segment, z] per point (z,
 * the third component, when there are at least three features, for the 3-D view).
 */
function mapSample(x: Matrix, labels: Int32Array, size: number): SegmentationResult["map"] {
  const m = Math.min(size, x.n);
  if (m < 2 || x.d < 1) return { method: "pca", explainedVarianceRatio: [], points: [] };
  const step = x.n / m;
  const picked = new Int32Array(m);
  const data = new Float64Array(m * x.d);
  for (let i = 0; i < m; i++) {
    const r = Math.floor(i * step);
    picked[i] = r;
    data.set(x.data.subarray(r * x.d, (r + 1) * x.d), i * x.d);
  }
  const fit = pca({ data, n: m, d: x.d }, Math.min(3, x.d));
  const k = fit.nComponents;
  const score = (i: number, c: number) => (c < k ? (round(fit.scores.data[i * k + c]!, 4) ?? 0) : 0);
  const points: SegmentationResult["map"]["points"] = [];
  for (let i = 0; i < m; i++) {
    const point: SegmentationResult["map"]["points"][number] = [
      picked[i]!,
      score(i, 0),
      score(i, 1),
      labels[picked[i]!]!,
    ];
    if (k >= 3) point.push(score(i, 2));
    points.push(point);
  }
  return {
    method: "pca",
    explainedVarianceRatio: Array.from(fit.explainedVarianceRatio, (r) => round(r) ?? 0),
    points,
  };
}

/** The run as a model `assign` can apply to rows in original units. */
function fittedModel(
  input: SegmentationInput,
  prepared: Described,
  clustering: Clustering,
  names: string[] | undefined,
): SegmentModel {
  const base = {
    algorithm: input.options.algorithm,
    features: prepared.features,
    scaler: { ...prepared.scaler, kind: prepared.scaler.kind as FittedScaler["kind"] },
    transforms: prepared.transforms,
    fill: prepared.fill,
    ...(names && names.length === clustering.k ? { segmentNames: names } : {}),
  };
  const { mixture } = clustering;
  return mixture
    ? createMixtureModel({ ...base, ...mixture })
    : createCentroidModel({ ...base, centroids: clustering.centroids, k: clustering.k });
}
