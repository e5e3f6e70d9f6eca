import { defaultSegmentColor } from "@strata/api/palette";

/**
 * The shape of a run's `result` document as the worker writes it (packages/api/src/jobs/run-executor.ts
 * and explain-result.ts). The api types it as a plain record; the result page reads it through
 * `readRunResult`, which tolerates older runs that lack newer parts.
 */
export interface ModelSelectionPoint {
  k: number;
  inertia: number;
  silhouette: number | null;
  calinskiHarabasz: number | null;
  daviesBouldin: number | null;
  /** Shares of the smallest and largest segment and the k-means stability (runs since issue 15). */
  minShare?: number | null;
  maxShare?: number | null;
  stability?: number | null;
}

/** How a feature was reshaped before scaling. */
export interface FeatureTransform {
  feature: string;
  kind: "none" | "log1p" | "yeo-johnson";
  lambda?: number;
  skewBefore: number | null;
  skewAfter: number | null;
}

/** Customers set aside while fitting, then given their nearest segment. */
export interface OutlierSummary {
  count: number;
  share: number;
  threshold: number;
  byFeature: Array<{ feature: string; count: number }>;
  customers: string[];
}

export interface MapPoint {
  customerId: string;
  x: number;
  y: number;
  /** Third principal component (PCA map of runs with three or more features). */
  z?: number;
  segment: number;
}

export interface SegmentExplanation {
  segment: number;
  size: number;
  share: number;
  name: string;
  mean: Array<number | null>;
  median: Array<number | null>;
  deviation: Array<number | null>;
  top: number[];
  /** Runs before rule sources lack `source`: read a missing one as "tree". */
  rules: Array<{
    text: string;
    support: number;
    precision: number;
    recall: number;
    source?: "tree" | "one-vs-rest";
  }>;
  /** The segment's rules together: precision and recall (absent on older runs). */
  ruleFit?: { precision: number; recall: number };
}

export interface Explanation {
  features: string[];
  overall: { mean: Array<number | null>; sd: Array<number | null> };
  segments: SegmentExplanation[];
  fidelity: number;
  /** DBSCAN noise described like a segment (segment -1). */
  noiseProfile?: SegmentExplanation | null;
  correlation: Array<Array<number | null>>;
  noise: number;
}

export interface RunResult {
  algorithm: string;
  k: number;
  sizes: number[];
  features: string[];
  droppedFeatures: Array<{ feature: string; reason: string }>;
  centroidsOriginal: number[][];
  modelSelection: ModelSelectionPoint[];
  chosenK: { k: number; reason: string };
  preparation: {
    rowsIn: number;
    rowsUsed: number;
    rowsDropped: number;
    valuesImputed: number;
    /** Customers of the workspace when the run started (absent on older runs). */
    customersInWorkspace?: number;
  } | null;
  map: { method: string; explainedVarianceRatio: number[]; points: MapPoint[] };
  tsne: MapPoint[];
  explanation: Explanation | null;
  /** Absent on runs made before features were reshaped and outliers set aside. */
  transforms: FeatureTransform[];
  outliers: OutlierSummary | null;
  stability: number | null;
  algorithmDetails: {
    eps?: number;
    minSamples?: number;
    noise?: number;
    linkage?: string;
    dendrogram?: { rows: number; lastMerges: number[] };
  };
}

export interface RunMetrics {
  inertia?: number | null;
  silhouette?: number | null;
  calinskiHarabasz?: number | null;
  daviesBouldin?: number | null;
  noiseShare?: number | null;
  rows?: number;
  features?: number;
  k?: number;
}

const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export function readRunResult(value: unknown): RunResult | null {
  if (!value || typeof value !== "object") return null;
  const r = value as Record<string, unknown>;
  const map = (r.map ?? {}) as Record<string, unknown>;
  return {
    algorithm: typeof r.algorithm === "string" ? r.algorithm : "kmeans",
    k: typeof r.k === "number" ? r.k : 0,
    sizes: arr<number>(r.sizes),
    features: arr<string>(r.features),
    droppedFeatures: arr(r.droppedFeatures),
    centroidsOriginal: arr(r.centroidsOriginal),
    modelSelection: arr(r.modelSelection),
    chosenK: (r.chosenK as RunResult["chosenK"]) ?? { k: 0, reason: "" },
    preparation: (r.preparation as RunResult["preparation"]) ?? null,
    map: {
      method: typeof map.method === "string" ? map.method : "pca",
      explainedVarianceRatio: arr(map.explainedVarianceRatio),
      points: arr(map.points),
    },
    tsne: arr(r.tsne),
    explanation: (r.explanation as Explanation | null | undefined) ?? null,
    transforms: arr(r.transforms),
    outliers: (r.outliers as OutlierSummary | null | undefined) ?? null,
    stability: typeof r.stability === "number" ? r.stability : null,
    algorithmDetails: (r.algorithmDetails as RunResult["algorithmDetails"]) ?? {},
  };
}

export const ALGORITHM_LABELS: Record<string, string> = {
  kmeans: "k-means",
  minibatch: "Mini-batch k-means",
  dbscan: "DBSCAN",
  hierarchical: "Hierarchical",
  gmm: "Gaussian mixture",
};

export { NOISE_COLOR, SEGMENT_PALETTE } from "@strata/api/palette";

/** The colour a run's segment is drawn with (noise, -1, in grey). */
export function segmentColor(segment: number): string {
  return defaultSegmentColor(segment);
}

export function segmentLabel(segment: number, names?: string[]): string {
  if (segment < 0) return "Noise";
  return names?.[segment] ?? `Segment ${segment + 1}`;
}

const NUMBER = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
const COMPACT = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 });
const PERCENT = new Intl.NumberFormat("en-GB", { style: "percent", maximumFractionDigits: 1 });

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (Math.abs(v) < 0.005) return "0";
  return Math.abs(v) >= 100_000 ? COMPACT.format(v) : NUMBER.format(v);
}

export function formatPercent(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  // Intl keeps the sign of a value that rounds to zero ("-0%"); round to the 0.1% shown first so
  // -0 and tiny negatives read "0%".
  const rounded = Math.round(v * 1000) / 1000;
  return PERCENT.format(rounded === 0 ? 0 : rounded);
}

/** Feature names as people read them: `recency_days` -> "recency days", `channel:parcel` -> "channel: parcel". */
export function featureLabel(name: string): string {
  return name.replace(/:/g, ": ").replace(/_/g, " ");
}
