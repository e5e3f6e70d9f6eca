import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import {
  finishSilhouetteScores,
  planSilhouetteScores,
  SILHOUETTE_BLOCK_ROWS,
  SILHOUETTE_DEFAULT_SAMPLE_SIZE,
} from "../metrics/silhouette.js";
import type { SweepFitOptions } from "../model-selection/sweep-fit.js";
import type { Executor } from "./executor.js";
import { sharedInt32, toShared } from "./shared.js";
import type { SilhouetteBlocksInput, SweepKInput, SweepKOutput } from "./tasks.js";

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
 * task also scores its clustering with Calinski-Harabasz and Davies-Bouldin. The silhouettes of
 * all k are then scored together (each pair distance of the seeded sample computed once, as
 * `silhouetteScores` does), its rows split over the threads. Rows come back in k order, labels
 * included, with the same numbers as `sweepK`. Fit defaults as in `sweepK`: 3 restarts per k on a
 * seeded 20,000-row sample, the best refined on all rows (`sweepFit`). Progress: "k-means" up to
 * 0.8, then "silhouette".
 */
export async function sweepKParallel(
  executor: Executor,
  x: Matrix,
  options: SweepKParallelOptions = {},
): Promise<SweepKOutput[]> {
  const {
    kMin = 2,
    kMax = 10,
    silhouetteSampleSize = SILHOUETTE_DEFAULT_SAMPLE_SIZE,
    signal,
    onProgress,
    ...kmeansOptions
  } = options;
  if (!Number.isInteger(kMin) || kMin < 2)
    throw new CoreInputError(`kMin must be an integer >= 2`, { field: "kMin" });
  if (!Number.isInteger(kMax) || kMax < kMin)
    throw new CoreInputError(`kMax must be >= kMin`, { field: "kMax" });
  const seed = kmeansOptions.seed ?? 0;
  const shared = toShared(x);
  const ks = Array.from({ length: kMax - kMin + 1 }, (_, i) => kMin + i);
  const fractions = new Float64Array(ks.length);
  const withSignal = signal === undefined ? {} : { signal };
  // Largest k first: they take longest, so the threads finish together.
  const order = [...ks].sort((a, b) => b - a);
  const fits = await Promise.all(
    order.map((k) =>
      executor.run<SweepKInput, SweepKOutput>(
        "sweep-k",
        { x: shared, k, options: kmeansOptions, silhouetteSampleSize, seed, silhouette: false },
        {
          ...withSignal,
          onProgress: (_stage, f) => {
            fractions[k - kMin] = f;
            onProgress?.("k-means", (0.8 * fractions.reduce((s, v) => s + v, 0)) / ks.length);
          },
        },
      ),
    ),
  );
  fits.sort((a, b) => a.k - b.k);

  onProgress?.("silhouette", 0.8);
  const plan = planSilhouetteScores(
    shared,
    fits.map((f) => f.labels),
    { sampleSize: silhouetteSampleSize, seed },
  );
  const sample = toShared(plan.x);
  const labelings = plan.labelings.map((l) => {
    const out = sharedInt32(l.length);
    out.set(l);
    return out;
  });
  // Ranges start on a block, so the block sums come back in the order the inline sum takes them.
  const blocks = Math.ceil(sample.n / SILHOUETTE_BLOCK_ROWS);
  const parts = Math.max(1, Math.min(executor.threads, blocks));
  let done = 0;
  const sums = await Promise.all(
    Array.from({ length: parts }, (_, p) => {
      const start = Math.round((p * blocks) / parts) * SILHOUETTE_BLOCK_ROWS;
      const end = Math.min(sample.n, Math.round(((p + 1) * blocks) / parts) * SILHOUETTE_BLOCK_ROWS);
      return executor
        .run<SilhouetteBlocksInput, Float64Array>(
          "silhouette-blocks",
          { x: sample, labelings, start, end },
          withSignal,
        )
        .then((part) => {
          onProgress?.("silhouette", 0.8 + (0.2 * ++done) / parts);
          return part;
        });
    }),
  );
  const all = new Float64Array(sums.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of sums) {
    all.set(part, offset);
    offset += part.length;
  }
  const scores = finishSilhouetteScores(plan, all);
  return fits.map((fit, i) => ({ ...fit, silhouette: scores[i]! }));
}
