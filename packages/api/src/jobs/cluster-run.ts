import type { RunConfig } from "@strata/contract";
import {
  type Clustering,
  kmeansOnExecutor as coreKmeansOnExecutor,
  prepareMatrix as corePrepareMatrix,
  type Executor,
  type Matrix,
  type PreparedMatrix,
  type Progress,
  type SegmentationInput,
  type SegmentationOptions,
  type SegmentationResult,
  segmentationOptions,
  segmentationRun,
} from "@strata/core";

/**
 * A run's computing half is core's segmentation pipeline (packages/core/src/pipeline): the same
 * one `strata segment` runs. This module only turns a stored run config into the pipeline's
 * options. k-means runs from the worker's main thread on core's executor (its heavy parts on pool
 * threads); the other algorithms run whole inside a Piscina task (cluster-task.ts). Either way a
 * crash or an out-of-memory takes down one thread and fails one run, never the process.
 */

export interface ClusterInput {
  /** n x d row-major raw feature values (NaN where a customer has no value); may be shared memory. */
  data: Float64Array;
  n: number;
  d: number;
  features: string[];
  config: RunConfig;
  /** Leave the t-SNE map out and return its sample (a run draws it after storing its segments). */
  deferMap?: boolean;
}

export type ClusterOutput = SegmentationResult;

export {
  CancelledError,
  type Clustering,
  chooseKFromSweep,
  type ModelSelectionPoint,
  type Progress,
  SegmentationInputError as RunInputError,
} from "@strata/core";

/** The pipeline's options from a run's config (the config's extra fields, like its timeout, stay here). */
export function optionsOf(config: RunConfig): SegmentationOptions {
  return segmentationOptions({
    algorithm: config.algorithm,
    k: config.k,
    kMin: config.kMin,
    kMax: config.kMax,
    scaler: config.scaler,
    missing: config.missing,
    transform: config.transform,
    outliers: config.outliers,
    minSegmentShare: config.minSegmentShare,
    seed: config.seed,
    eps: config.eps,
    minSamples: config.minSamples,
    linkage: config.linkage,
    covariance: config.covariance,
    mapSampleSize: config.mapSampleSize,
  });
}

function toSegmentationInput(input: ClusterInput): SegmentationInput {
  const { data, n, d, features, config } = input;
  const options = optionsOf(config);
  return { data, n, d, features, options: input.deferMap ? { ...options, tsne: "deferred" } : options };
}

export function prepareMatrix(input: ClusterInput): PreparedMatrix {
  return corePrepareMatrix(toSegmentationInput(input));
}

export function kmeansOnExecutor(
  executor: Executor,
  input: ClusterInput,
  x: Matrix,
  progress: Progress,
  signal: AbortSignal,
): Promise<Clustering> {
  return coreKmeansOnExecutor(executor, toSegmentationInput(input), x, progress, signal);
}

/**
 * Runs one segmentation end to end on this thread. `progress` is called often; it may throw to stop.
 * `given` and `prepared`: the clustering and the prepared matrix of this input, when already made.
 */
export function clusterRun(
  input: ClusterInput,
  progress?: Progress,
  given?: Clustering,
  prepared?: PreparedMatrix,
): ClusterOutput {
  return segmentationRun(toSegmentationInput(input), progress, given, prepared);
}
