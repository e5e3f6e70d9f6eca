import { CancelledError, CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { createRandom } from "../random/index.js";
import { affinitiesOfNeighbours } from "./affinities.js";
import { pca } from "./pca.js";
import { aloneSchedule, pairSplitRow, runSteps, type StepSchedule } from "./tsne-steps.js";
import {
  createTeam,
  finishTeam,
  startHelper,
  type TsneTeam,
  teamNeighbours,
  teamSteps,
  tsneHelperFor,
} from "./tsne-team.js";
import { tsneKernels } from "./tsne-wasm.js";
import { allKNearest, buildVpTree } from "./vp-tree.js";

export interface TsneOptions {
  /** Effective number of neighbours. Default 30 (capped at (n - 1) / 3). */
  readonly perplexity?: number;
  /** Gradient steps. Default 750. */
  readonly iterations?: number;
  /** Of those, the first ones with early exaggeration (12). Default 250. */
  readonly exaggerationSteps?: number;
  /** Barnes-Hut accuracy: cells narrower than theta x distance are summarised. Default 0.5. */
  readonly theta?: number;
  /** Rows embedded at most; above it a seeded random sample is drawn. Default 20,000. */
  readonly sampleSize?: number;
  readonly seed?: number;
  readonly onProgress?: (stage: string, fraction: number) => boolean | undefined;
}

export interface TsneResult {
  /** sample x 2 coordinates. */
  readonly embedding: Matrix;
  /** Input row of every embedded point (ascending). */
  readonly indices: Int32Array;
  /** Kullback-Leibler divergence of the final map (Barnes-Hut estimate of the normaliser). */
  readonly klDivergence: number;
  readonly iterations: number;
}

/** Rows t-SNE embeds at most unless told otherwise. */
export const TSNE_DEFAULT_SAMPLE = 20_000;
const EARLY_EXAGGERATION = 12;
const EXAGGERATION_STEPS = 250;

/**
 * Barnes-Hut t-SNE (van der Maaten 2014) to two dimensions, seeded and deterministic: exact
 * k-nearest-neighbour affinities (k = 3 x perplexity, vantage-point tree) with a perplexity search
 * per row, PCA initialisation (as scikit-learn's init="pca"), early exaggeration 12 for 250 steps,
 * momentum 0.5 then 0.8, per-coordinate gains, learning rate max(n / 48, 50) on the gradient with
 * its factor 4 (scikit-learn's "auto"; n / 12 in bhtsne's and openTSNE's terms). Repulsion through a
 * quadtree walked once per group of nearby points (see `repulsion`). Inputs larger than
 * `sampleSize` are sampled first, since the map is for looking at. Where the host registered a
 * helper thread (`setTsneHelper`; Node: useTsneHelperThread), maps of 5,000 points or more share
 * the neighbour search and the steps with it (tsne-team.ts) and come out the same to the bit.
 *
 * Why our own and not umap-js 1.4: measured on this machine (8-D blobs, 2 busy cores), umap-js took
 * 6.8 s for 1,000 points and 23 s for 5,000, and pulls in a curve-fitting dependency. Figures for
 * this one against scikit-learn's TSNE(method="barnes_hut"): bench/map-bench.mjs, BENCHMARKS-map.md.
 */
export function tsne(x: Matrix, options: TsneOptions = {}): TsneResult {
  const sampleSize = options.sampleSize ?? TSNE_DEFAULT_SAMPLE;
  const iterations = options.iterations ?? 750;
  const theta = options.theta ?? 0.5;
  const exaggerationSteps = Math.min(iterations, options.exaggerationSteps ?? EXAGGERATION_STEPS);
  if (x.n < 4) throw new CoreInputError(`t-SNE needs at least 4 rows, got ${x.n}`, { field: "n" });
  if (!(theta >= 0)) throw new CoreInputError(`theta must be >= 0, got ${theta}`, { field: "theta" });
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new CoreInputError(`iterations must be a positive whole number, got ${iterations}`, {
      field: "iterations",
    });
  }
  const seed = options.seed ?? 0;
  const onProgress = options.onProgress;

  // Seeded sample without replacement (partial Fisher-Yates), kept in input order.
  let indices: Int32Array;
  if (x.n > sampleSize) {
    const random = createRandom(seed);
    const all = Int32Array.from({ length: x.n }, (_, i) => i);
    for (let t = 0; t < sampleSize; t++) {
      const s = t + random.int(x.n - t);
      const tmp = all[t]!;
      all[t] = all[s]!;
      all[s] = tmp;
    }
    indices = all.slice(0, sampleSize).sort();
  } else {
    indices = Int32Array.from({ length: x.n }, (_, i) => i);
  }
  const n = indices.length;
  const d = x.d;
  const perplexity = Math.max(1, Math.min(options.perplexity ?? 30, (n - 1) / 3));
  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const learningRate = Math.max(n / EARLY_EXAGGERATION / 4, 50);
  // A second thread when the host registered one and the map is large (tsne-team.ts); the team's
  // shared memory is made first so the helper starts while this thread orders the points.
  const spawn = tsneHelperFor(n);
  const team =
    spawn === null ? null : createTeam({ n, d, k, iterations, exaggerationSteps, theta, learningRate });
  const helper = team === null || spawn === null ? null : startHelper(spawn, team);
  try {
    return embed(
      x,
      indices,
      { seed, theta, iterations, exaggerationSteps, learningRate, perplexity, k },
      team,
      onProgress,
    );
  } finally {
    if (team !== null) finishTeam(team);
    helper?.stop();
  }
}

function embed(
  x: Matrix,
  indices: Int32Array,
  settings: {
    seed: number;
    theta: number;
    iterations: number;
    exaggerationSteps: number;
    learningRate: number;
    perplexity: number;
    k: number;
  },
  team: TsneTeam | null,
  onProgress: TsneOptions["onProgress"],
): TsneResult {
  const { seed, iterations, k } = settings;
  const n = indices.length;
  const d = x.d;
  // The map's points are numbered in a vantage-point tree's order of the input (position t holds
  // sample point `local[t]`): neighbours in the input, hence pairs of P and neighbours on the map,
  // get nearby numbers, so the steps' scattered reads and writes stay in cache. The map is put back
  // in sample order at the end.
  const inSampleOrder = new Float64Array(n * d);
  indices.forEach((row, i) => {
    inSampleOrder.set(x.data.subarray(row * d, row * d + d), i * d);
  });
  const local = buildVpTree({ data: inSampleOrder, n, d }, seed).order;
  const sample = new Float64Array(n * d);
  local.forEach((i, t) => {
    sample.set(inSampleOrder.subarray(i * d, i * d + d), t * d);
  });
  const xs: Matrix = { data: sample, n, d };
  // The neighbour search is the first tenth of the progress; the steps are the rest.
  const searched = (fraction: number) => {
    if (onProgress?.("tsne", 0.1 * fraction) === false) throw new CancelledError("tsne");
  };
  const vpTree = buildVpTree(xs, seed);
  const { indices: nbr, distances } =
    team === null
      ? allKNearest(vpTree, k, (done) => searched(done / n))
      : teamNeighbours(team, vpTree, searched);
  const P = affinitiesOfNeighbours(nbr, distances, n, k, settings.perplexity);

  const { rowStart, cols, vals } = P;
  let pairs = 0;
  for (let i = 0; i < n; i++) for (let t = rowStart[i]!; t < rowStart[i + 1]!; t++) if (cols[t]! > i) pairs++;
  // The map, P's upper triangle and the attraction live in the WebAssembly kernels' memory when
  // WebAssembly SIMD is there (the optimiser updates the map in place), in plain arrays otherwise.
  const kernels = tsneKernels(n, pairs);
  const y = kernels?.attraction.y ?? new Float64Array(n * 2);
  // The upper triangle of P (P is symmetric): half the pairs to visit every step.
  const upperStart = kernels?.attraction.rowStart ?? new Int32Array(n + 1);
  const upperCols = kernels?.attraction.cols ?? new Int32Array(pairs);
  const upperVals = kernels?.attraction.vals ?? new Float64Array(pairs);
  upperStart[0] = 0;
  for (let i = 0, at = 0; i < n; i++) {
    for (let t = rowStart[i]!; t < rowStart[i + 1]!; t++) {
      if (cols[t]! <= i) continue;
      upperCols[at] = cols[t]!;
      upperVals[at++] = vals[t]!;
    }
    upperStart[i + 1] = at;
  }

  // PCA initialisation scaled so the first coordinate has standard deviation 1e-4.
  const init = pca(xs, Math.min(2, d));
  let sd = 0;
  for (let i = 0; i < n; i++) sd += init.scores.data[i * init.nComponents]! ** 2;
  sd = Math.sqrt(sd / n) || 1;
  const random = createRandom(seed);
  for (let i = 0; i < n; i++) {
    y[2 * i] = (init.scores.data[i * init.nComponents]! / sd) * 1e-4;
    y[2 * i + 1] =
      init.nComponents > 1
        ? (init.scores.data[i * init.nComponents + 1]! / sd) * 1e-4
        : random.normal() * 1e-4;
  }

  const splitRow = pairSplitRow(upperStart);
  const onStep = (step: number) => {
    if (onProgress && step % 25 === 0 && onProgress("tsne", 0.1 + (0.9 * step) / iterations) === false) {
      throw new CancelledError("tsne");
    }
  };
  const schedule: StepSchedule =
    team === null
      ? aloneSchedule(n, onStep)
      : teamSteps(team, { start: upperStart, cols: upperCols, vals: upperVals }, splitRow, y, onStep);
  const z = runSteps(
    {
      n,
      iterations,
      exaggerationSteps: settings.exaggerationSteps,
      theta: settings.theta,
      learningRate: settings.learningRate,
      y,
      upperStart,
      upperCols,
      upperVals,
      splitRow,
      kernels,
    },
    schedule,
  );

  // Centre the map and estimate KL(P || Q) with the last normaliser.
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += y[2 * i]!;
    my += y[2 * i + 1]!;
  }
  for (let i = 0; i < n; i++) {
    y[2 * i]! -= mx / n;
    y[2 * i + 1]! -= my / n;
  }
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let t = rowStart[i]!; t < rowStart[i + 1]!; t++) {
      const j = cols[t]!;
      const dx = y[2 * i]! - y[2 * j]!;
      const dy = y[2 * i + 1]! - y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy) / z;
      const pij = vals[t]!;
      if (pij > 0) kl += pij * Math.log(pij / Math.max(q, 1e-300));
    }
  }
  const embedding = new Float64Array(n * 2);
  for (let t = 0; t < n; t++) {
    embedding[2 * local[t]!] = y[2 * t]!;
    embedding[2 * local[t]! + 1] = y[2 * t + 1]!;
  }
  return { embedding: { data: embedding, n, d: 2 }, indices, klDivergence: kl, iterations };
}
