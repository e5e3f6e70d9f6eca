import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import type { SweepFitOptions } from "../model-selection/sweep-fit.js";
import type { Executor } from "./executor.js";
import { toShared } from "./shared.js";
import type { SweepKInput, SweepKOutput } from "./tasks.js";

export interface SweepKParallelOptions extends Omit<SweepFitOptions, "onProgress" | "sampleWeight"> {
  kMin?: number;
  kMax?: number;
  /** Rows the silhouette scores (a seeded sample above this). Default 10,000. */
  silhouetteSampleSize?: number;
  signal?: AbortSignal;
  onProgress?: (stage: string, fraction: number) => void;
}

/**
 * k-means for every k in kMin..kMax, one k per task, spread over the executor's threads; each
 * task also scores its clustering (silhouette on a seeded sample, Calinski-Harabasz,
 * Davies-Bouldin). Rows come back in k order without labels. Fit defaults as in `sweepK`: 3
 * restarts per k on a seeded 20,000-row sample, the best refined on all rows (`sweepFit`).
 */
export async function sweepKParallel(
  executor: Executor,
  x: Matrix,
  options: SweepKParallelOptions = {},
): Promise<Array<Omit<SweepKOutput, "labels">>> {
  const {
    kMin = 2,
    kMax = 10,
    silhouetteSampleSize = 10_000,
    signal,
    onProgress,
    ...kmeansOptions
  } = options;
  if (!Number.isInteger(kMin) || kMin < 2)
    throw new CoreInputError(`kMin must be an integer >= 2`, { field: "kMin" });
  if (!Number.isInteger(kMax) || kMax < kMin)
    throw new CoreInputError(`kMax must be >= kMin`, { field: "kMax" });
  const shared = toShared(x);
  const ks = Array.from({ length: kMax - kMin + 1 }, (_, i) => kMin + i);
  const fractions = new Float64Array(ks.length);
  // Largest k first: they take longest, so the threads finish together.
  const order = [...ks].sort((a, b) => b - a);
  const results = await Promise.all(
    order.map((k) =>
      executor.run<SweepKInput, SweepKOutput>(
        "sweep-k",
        { x: shared, k, options: kmeansOptions, silhouetteSampleSize, seed: kmeansOptions.seed ?? 0 },
        {
          ...(signal === undefined ? {} : { signal }),
          onProgress: (_stage, f) => {
            fractions[k - kMin] = f;
            onProgress?.("sweep", fractions.reduce((s, v) => s + v, 0) / ks.length);
          },
        },
      ),
    ),
  );
  return results.map(({ labels: _labels, ...row }) => row).sort((a, b) => a.k - b.k);
}
