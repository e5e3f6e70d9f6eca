import type { SegmentModel } from "../model/model.js";
import type { ColumnTransform } from "../preprocess/shape.js";
import type { ExplanationOutput, TsneSample } from "./explain-result.js";
import type { SegmentationOptions } from "./options.js";

/**
 * The segmentation pipeline's input and result: a raw feature matrix in (NaN = missing), the
 * whole result out. The worker, the CLI and the tests all go through it (run.ts).
 */

export interface SegmentationInput {
  /** n x d row-major raw feature values (NaN where a customer has no value); may be shared memory. */
  data: Float64Array;
  n: number;
  d: number;
  features: string[];
  options: SegmentationOptions;
}

export interface ModelSelectionPoint {
  k: number;
  inertia: number;
  silhouette: number | null;
  calinskiHarabasz: number | null;
  daviesBouldin: number | null;
  /** Shares of the smallest and largest segment (of the customers clustered), 0..1. */
  minShare?: number | null;
  maxShare?: number | null;
  /** Mean adjusted Rand index of k-means over bootstrap resamples (1: the same segments every time). */
  stability?: number | null;
}

/** How one feature was reshaped before scaling (chosen per run unless the run says "none"). */
export interface FeatureTransform {
  feature: string;
  kind: ColumnTransform["kind"];
  lambda?: number;
  skewBefore: number | null;
  skewAfter: number | null;
}

/** Customers set aside while fitting (extreme on some feature), then given their nearest segment. */
export interface OutlierReport {
  count: number;
  share: number;
  /** Robust standard deviations from the median beyond which a customer counts as extreme. */
  threshold: number;
  /** How many were extreme on each feature (the feature where they were most extreme). */
  byFeature: Array<{ feature: string; count: number }>;
  /** Row indices (into `rows`) of the customers set aside, most extreme first. */
  rows: number[];
}

export interface SegmentationResult {
  /** Input row index of every row that was clustered (rows dropped for missing values are absent). */
  rows: Int32Array;
  /** Segment per clustered row (-1: DBSCAN noise). */
  labels: Int32Array;
  /** Distance to the own segment's centroid in scaled units (NaN for noise). */
  distances: Float64Array;
  k: number;
  sizes: number[];
  /** Features actually used (constant ones are left out) and the ones left out, with why. */
  features: string[];
  droppedFeatures: Array<{ feature: string; reason: string }>;
  scaler: { kind: string; center: number[]; scale: number[] };
  /** Segment centres in scaled units and in the features' own units (k x features). */
  centroids: number[][];
  centroidsOriginal: number[][];
  modelSelection: ModelSelectionPoint[];
  chosenK: { k: number; reason: string };
  metrics: {
    inertia: number | null;
    silhouette: number | null;
    calinskiHarabasz: number | null;
    daviesBouldin: number | null;
    noiseShare: number | null;
  };
  preparation: { rowsIn: number; rowsUsed: number; rowsDropped: number; valuesImputed: number };
  /** 2-D PCA coordinates of a seeded sample of the clustered rows (index into `rows`). */
  map: {
    method: "pca";
    explainedVarianceRatio: number[];
    /** [row, x, y, segment] and, with three or more features, z. */
    points: Array<[number, number, number, number, number?]>;
  };
  /** Algorithm-specific parts (see Clustering.extra). */
  algorithmDetails: Record<string, unknown>;
  /** Profiles, rules, names, correlations and the t-SNE map (explain-result.ts). */
  explanation?: ExplanationOutput;
  /** With `tsne: "deferred"`: the sample for `tsneMapOf`, which the caller draws when it chooses. */
  tsneSample?: TsneSample;
  transforms: FeatureTransform[];
  outliers: OutlierReport;
  /** k-means stability of the chosen k over bootstrap resamples (null when not measured). */
  stability: number | null;
  /** Iterations of the chosen fit (k-means, mini-batch, mixtures), null for the others. */
  iterations: number | null;
  /**
   * The fitted model `assign` uses to give any customer (new, or left out for missing values) a
   * segment: transforms, fill values, scaler and centroids (or the mixture), in the scaled space.
   * DBSCAN's model assigns to the nearest dense group's mean.
   */
  model: SegmentModel;
}

/** A problem with the input that the user can fix; its message is a sentence shown as is. */
export class SegmentationInputError extends Error {
  override readonly name = "SegmentationInputError";
}

export type Progress = (stage: string, percent: number) => void;
