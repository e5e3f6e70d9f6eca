import type { KMeansResult } from "../cluster/kmeans/index.js";
import { CancelledError, CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { calinskiHarabasz, daviesBouldin } from "../metrics/cluster-indices.js";
import { SILHOUETTE_DEFAULT_SAMPLE_SIZE, silhouetteScores } from "../metrics/silhouette.js";
import { type SweepFitOptions, sweepFit } from "./sweep-fit.js";

export interface SweepKOptions extends Omit<SweepFitOptions, "onProgress"> {
  /** Smallest k tried. Default 2. */
  kMin?: number;
  /** Largest k tried. Default 10. */
  kMax?: number;
  /** Rows the silhouette scores: a seeded sample (the same rows for every k) above this. Default 10,000. */
  silhouetteSampleSize?: number;
  /** Keep each k's k-means result on its row (`fit`), so the chosen k need not be refitted. */
  keepFits?: boolean;
  onProgress?: (stage: string, fraction: number) => boolean | undefined;
}

/** The scores of one k: what an elbow plot and `chooseK` read. */
export interface SweepKRow {
  k: number;
  /** Sum of squared distances to the nearest centroid (lower is tighter). */
  inertia: number;
  /** Mean silhouette, -1..1 (higher is better separated). */
  silhouette: number;
  /** Higher is better. */
  calinskiHarabasz: number;
  /** Lower is better. */
  daviesBouldin: number;
  iterations: number;
  converged: boolean;
  /** The k-means result, when `keepFits` was set. */
  fit?: KMeansResult;
}

/**
 * k-means for every k from kMin to kMax with the scores model selection compares. The
 * silhouettes of all k are computed together on one seeded sample of rows (each pair distance
 * once for every k), which is both faster and a fairer comparison than a new sample per k.
 *
 * Defaults for the fits (see `sweepFit`): 3 k-means++ restarts per k (`nInit`, not 10), run on a
 * seeded sample of `fitSampleSize` = 20,000 rows when there are more; the best restart's
 * centroids then seed one run on all rows, whose labels and inertia the scores use. Refit the
 * chosen k with `kmeans` (nInit 10) when the restarts matter more than the time.
 */
export function sweepK(x: Matrix, options: SweepKOptions = {}): SweepKRow[] {
  const {
    kMin = 2,
    kMax = 10,
    silhouetteSampleSize = SILHOUETTE_DEFAULT_SAMPLE_SIZE,
    keepFits = false,
    onProgress,
    ...kmeansOptions
  } = options;
  if (!Number.isInteger(kMin) || kMin < 2) {
    throw new CoreInputError(`kMin must be an integer of at least 2, got ${kMin}`, { field: "kMin" });
  }
  if (!Number.isInteger(kMax) || kMax < kMin) {
    throw new CoreInputError(`kMax must be an integer of at least kMin (${kMin}), got ${kMax}`, {
      field: "kMax",
    });
  }
  if (kMax >= x.n) {
    throw new CoreInputError(`kMax must be below the number of rows (${x.n}), got ${kMax}`, {
      field: "kMax",
    });
  }
  const count = kMax - kMin + 1;
  const report = (stage: string, fraction: number): undefined => {
    if (onProgress !== undefined && onProgress(stage, fraction) === false) throw new CancelledError(stage);
    return undefined;
  };
  const fits: KMeansResult[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const step = k - kMin;
    fits.push(
      sweepFit(x, k, {
        ...kmeansOptions,
        onProgress: (_stage, fraction) => report("sweep: k-means", (0.8 * (step + fraction)) / count),
      }),
    );
  }
  report("sweep: silhouette", 0.8);
  const silhouettes = silhouetteScores(
    x,
    fits.map((fit) => fit.labels),
    { sampleSize: silhouetteSampleSize, seed: kmeansOptions.seed ?? 0 },
  );
  report("sweep: indices", 0.95);
  const rows = fits.map((fit, i): SweepKRow => {
    const row: SweepKRow = {
      k: fit.k,
      inertia: fit.inertia,
      silhouette: silhouettes[i]!,
      calinskiHarabasz: calinskiHarabasz(x, fit.labels),
      daviesBouldin: daviesBouldin(x, fit.labels),
      iterations: fit.iterations,
      converged: fit.converged,
    };
    if (keepFits) row.fit = fit;
    return row;
  });
  report("sweep: done", 1);
  return rows;
}
