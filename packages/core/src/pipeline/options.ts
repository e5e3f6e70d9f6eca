import { CoreInputError } from "../errors.js";
import { SCALER_KINDS, type ScalerKind } from "../preprocess/scaler.js";

export const SEGMENTATION_ALGORITHMS = ["kmeans", "minibatch", "dbscan", "hierarchical", "gmm"] as const;
export type SegmentationAlgorithm = (typeof SEGMENTATION_ALGORITHMS)[number];
export const LINKAGES = ["ward", "average", "complete", "single"] as const;

/**
 * What one segmentation does. The product's run form, the worker and `strata segment` all use
 * these options and these defaults, so a run in a workspace and the CLI on the same file agree.
 */
export interface SegmentationOptions {
  readonly algorithm: SegmentationAlgorithm;
  /** Number of segments, or "auto" to try kMin..kMax and choose (not DBSCAN). */
  readonly k: number | "auto";
  readonly kMin: number;
  readonly kMax: number;
  readonly scaler: ScalerKind;
  /** Rows with a missing value: filled with the feature's median, or left out. */
  readonly missing: "median" | "drop";
  /**
   * "auto": strongly skewed features reshaped (log(1 + x) or Yeo-Johnson) before scaling;
   * `{ log1p: [...] }`: log(1 + x) of exactly those features.
   */
  readonly transform: "auto" | "none" | { readonly log1p: ReadonlyArray<string> };
  /** "set-aside": the few extreme rows (at most 2%) do not shape the segments, then join the nearest. */
  readonly outliers: "set-aside" | "keep";
  /** An automatic k never makes a segment smaller than this share of the rows. */
  readonly minSegmentShare: number;
  readonly seed: number;
  /** DBSCAN's radius in scaled units; undefined: suggested from the k-distance knee. */
  readonly eps?: number | undefined;
  readonly minSamples: number;
  readonly linkage: (typeof LINKAGES)[number];
  readonly covariance: "full" | "diag";
  /** Rows drawn on the result's map. */
  readonly mapSampleSize: number;
  /**
   * The t-SNE map of the map sample: drawn with the explanation ("inline", the default), left to the
   * caller with its sample in the result's `tsneSample` ("deferred": a run stores its segments
   * first), or not at all ("off").
   */
  readonly tsne?: "inline" | "deferred" | "off";
  /** Fitting knobs the CLI exposes (restarts, iterations, tolerance, mini-batch size). */
  readonly fitting?: {
    readonly nInit?: number | undefined;
    readonly maxIter?: number | undefined;
    readonly tol?: number | undefined;
    readonly batchSize?: number | undefined;
  };
}

export const SEGMENTATION_DEFAULTS: SegmentationOptions = {
  algorithm: "kmeans",
  k: "auto",
  // Two segments rarely lead to two different policies: an automatic k starts at three.
  kMin: 3,
  kMax: 8,
  scaler: "zscore",
  missing: "median",
  transform: "auto",
  outliers: "set-aside",
  minSegmentShare: 0.02,
  seed: 0,
  minSamples: 5,
  linkage: "ward",
  covariance: "full",
  mapSampleSize: 2_000,
};

function integerIn(value: number, field: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CoreInputError(`${field} must be a whole number from ${min} to ${max}, got ${value}`, {
      field,
    });
  }
}

/** The defaults with `given` on top, checked: a bad value throws CoreInputError naming its field. */
export function segmentationOptions(given: Partial<SegmentationOptions> = {}): SegmentationOptions {
  const options: SegmentationOptions = { ...SEGMENTATION_DEFAULTS, ...given };
  if (!SEGMENTATION_ALGORITHMS.includes(options.algorithm)) {
    throw new CoreInputError(`algorithm must be one of ${SEGMENTATION_ALGORITHMS.join(", ")}`, {
      field: "algorithm",
    });
  }
  if (options.k !== "auto") integerIn(options.k, "k", 1, 1000);
  integerIn(options.kMin, "kMin", 2, 1000);
  integerIn(options.kMax, "kMax", 2, 1000);
  if (options.kMin > options.kMax) {
    throw new CoreInputError(`kMin (${options.kMin}) must not exceed kMax (${options.kMax})`, {
      field: "kMin",
    });
  }
  if (!SCALER_KINDS.includes(options.scaler)) {
    throw new CoreInputError(`scaler must be one of ${SCALER_KINDS.join(", ")}`, { field: "scaler" });
  }
  if (!(options.minSegmentShare >= 0 && options.minSegmentShare <= 0.25)) {
    throw new CoreInputError(`minSegmentShare must be between 0 and 0.25, got ${options.minSegmentShare}`, {
      field: "minSegmentShare",
    });
  }
  integerIn(options.seed, "seed", 0, 2 ** 31 - 1);
  integerIn(options.minSamples, "minSamples", 1, 100_000);
  if (options.eps !== undefined && !(options.eps > 0)) {
    throw new CoreInputError(`eps must be above 0, got ${options.eps}`, { field: "eps" });
  }
  if (!LINKAGES.includes(options.linkage)) {
    throw new CoreInputError(`linkage must be one of ${LINKAGES.join(", ")}`, { field: "linkage" });
  }
  integerIn(options.mapSampleSize, "mapSampleSize", 0, 1_000_000);
  return options;
}
