import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { chooseK } from "../model-selection/choose-k.js";
import { bootstrapStability } from "../model-selection/stability.js";
import { pickRows, round, segmentSizes } from "./shared.js";
import type { ModelSelectionPoint } from "./types.js";

/**
 * Core's chooseK over a sweep: k's with a segment under the run's minimum share, one segment
 * holding most customers or unstable segments are ruled out, then the criteria vote.
 */
export function chooseKFromSweep(
  sweep: ModelSelectionPoint[],
  options: { minSegmentShare?: number } = {},
): { k: number; reason: string } {
  const scored = sweep.filter(
    (p) => p.silhouette !== null && p.calinskiHarabasz !== null && p.daviesBouldin !== null,
  );
  if (scored.length === 0) {
    const first = sweep[0]!;
    return { k: first.k, reason: `k = ${first.k}: no k of the sweep could be scored.` };
  }
  const choice = chooseK(
    scored.map((p) => ({
      k: p.k,
      inertia: p.inertia,
      silhouette: p.silhouette!,
      calinskiHarabasz: p.calinskiHarabasz!,
      daviesBouldin: p.daviesBouldin!,
      ...(p.minShare == null ? {} : { minShare: p.minShare }),
      ...(p.maxShare == null ? {} : { maxShare: p.maxShare }),
      ...(p.stability == null ? {} : { stability: p.stability }),
    })),
    options.minSegmentShare === undefined ? {} : { minSegmentShare: options.minSegmentShare },
  );
  return { k: choice.k, reason: choice.reason };
}

/** Shares of the smallest and the largest segment among the labelled rows (noise left out). */
export function segmentShares(labels: Int32Array, k: number): { minShare: number; maxShare: number } {
  const sizes = segmentSizes(labels, k);
  const total = sizes.reduce((a, b) => a + b, 0) || 1;
  return { minShare: Math.min(...sizes) / total, maxShare: Math.max(...sizes) / total };
}

/** Rows and resamples of the stability check: enough to see unstable segments, cheap next to the sweep. */
export const STABILITY_SAMPLE = 2_000;
export const STABILITY_RESAMPLES = 6;

/**
 * k-means stability of k on bootstrap resamples of a seeded sample of the rows (core's
 * bootstrapStability: mean adjusted Rand index between the resamples' assignments).
 */
export function stabilityOf(x: Matrix, k: number, seed: number, fitRows?: Int32Array): number | null {
  // With fitRows, the matrix measured is those rows of x (the same sample as from a copy of them).
  const n = fitRows === undefined ? x.n : fitRows.length;
  const m = Math.min(n, STABILITY_SAMPLE);
  if (m < 2 * k) return null;
  const step = n / m;
  const rows = Int32Array.from({ length: m }, (_, i) =>
    fitRows === undefined ? Math.floor(i * step) : fitRows[Math.floor(i * step)]!,
  );
  const sample = pickRows(x, rows);
  try {
    return round(bootstrapStability(sample, k, { seed, resamples: STABILITY_RESAMPLES, nInit: 2 }).mean, 4);
  } catch (error) {
    if (error instanceof CoreInputError) return null;
    throw error;
  }
}

/**
 * Rows the silhouette of each k in a sweep is computed on. Its cost grows with the square of the
 * sample (10,000 rows take seconds per k on one core); 4,000 rows rank the k's the same way on any
 * data with clear segments, and the sample is seeded, so the choice is reproducible.
 */
export const SWEEP_SILHOUETTE_SAMPLE = 4_000;
