import { dbscan } from "../cluster/dbscan/dbscan.js";
import { suggestEps } from "../cluster/dbscan/suggest-eps.js";
import { type GaussianMixtureResult, gaussianMixture } from "../cluster/gmm/gmm.js";
import { cutToK, hierarchical } from "../cluster/hierarchical/hierarchical.js";
import { kmeans } from "../cluster/kmeans/kmeans.js";
import { miniBatchKMeans } from "../cluster/kmeans/mini-batch.js";
import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { calinskiHarabasz, daviesBouldin } from "../metrics/cluster-indices.js";
import { silhouette } from "../metrics/silhouette.js";
import { createCentroidModel, createMixtureModel, modelToJson } from "../model/model.js";
import { chooseK } from "../model-selection/choose-k.js";
import { sweepK } from "../model-selection/sweep.js";
import type { Executor } from "../parallel/executor.js";
import { createInlineExecutor } from "../parallel/inline.js";
import { kmeansParallel } from "../parallel/kmeans-parallel.js";
import { toShared } from "../parallel/shared.js";
import type { SweepKInput, SweepKOutput } from "../parallel/tasks.js";
import { inferColumnType } from "../preprocess/infer.js";
import { skewness, toOriginalUnits } from "../preprocess/prepare.js";
import { fitScaler, SCALER_KINDS, type ScalerKind, transformScaler } from "../preprocess/scaler.js";
import { parseNumber } from "../preprocess/table.js";
import { choiceFlag, numberFlag, parseFlags } from "./args.js";
import { CliError, quote } from "./cli-error.js";
import { streamCsv } from "./read-csv.js";
import { writeTextFile } from "./write.js";

export const ALGORITHMS = ["kmeans", "minibatch", "dbscan", "hierarchical", "gmm"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

const FLAGS = {
  input: "string",
  columns: "string",
  algorithm: "string",
  k: "string",
  "k-min": "string",
  "k-max": "string",
  eps: "string",
  "min-samples": "string",
  linkage: "string",
  scale: "string",
  "n-init": "string",
  "max-iter": "string",
  tol: "string",
  seed: "string",
  threads: "string",
  out: "string",
  model: "string",
  "batch-size": "string",
  log1p: "string",
  covariance: "string",
} as const;

const SILHOUETTE_SAMPLE = 10_000;
const TYPE_SAMPLE = 5_000;
/** Columns with a larger share of empty cells are left out (unless named with --columns). */
const MAX_MISSING_SHARE = 0.5;

export interface ModelSelectionEntry {
  k: number;
  inertia: number;
  silhouette: number;
  calinskiHarabasz: number;
  daviesBouldin: number;
}

export interface SegmentOutput {
  algorithm: Algorithm;
  n: number;
  d: number;
  features: string[];
  k: number;
  sizes: number[];
  noise: number;
  inertia: number;
  silhouette: number | null;
  centroids: number[][];
  modelSelection: ModelSelectionEntry[] | null;
  iterations: number | null;
  timings: { readMs: number; fitMs: number; totalMs: number };
  /** Every column of the file that was not clustered, and why. */
  leftOut: LeftOutColumn[];
}

/**
 * Why a column was not clustered: "identifier" (ids, codes, row numbers), "non-numeric"
 * (categories, text), "date", "too many missing" (more than half the cells empty), "constant"
 * (one value on every row) or "not selected" (--columns names others).
 */
export type LeftOutReason =
  | "identifier"
  | "non-numeric"
  | "date"
  | "too many missing"
  | "constant"
  | "not selected";

export interface LeftOutColumn {
  column: string;
  reason: LeftOutReason;
}

interface Table {
  matrix: Matrix;
  features: string[];
  leftOut: LeftOutColumn[];
}

/** Reads the CSV into a numeric matrix of the chosen (or inferred numeric) columns, strictly. */
async function readTable(file: string, columnsFlag: string | undefined): Promise<Table> {
  let header: string[] = [];
  let headerLine = 1;
  const rows: string[][] = [];
  const lines: number[] = [];
  await streamCsv(
    file,
    (h) => {
      header = h.columns;
      headerLine = h.line;
    },
    (record) => {
      rows.push(record.fields);
      lines.push(record.line);
    },
  );
  let chosen: number[];
  const leftOut: LeftOutColumn[] = [];
  if (columnsFlag !== undefined) {
    const names = columnsFlag
      .split(",")
      .map((c) => c.trim())
      .filter((c) => c !== "");
    if (names.length === 0) throw new CliError("strata segment: --columns names no column", 2);
    chosen = names.map((name) => {
      const j = header.indexOf(name);
      if (j < 0) {
        throw new CliError(
          `${file}, line ${headerLine}: column "${name}" is missing from the header (it has ${header.map((h) => `"${h}"`).join(", ")})`,
        );
      }
      return j;
    });
    header.forEach((name, j) => {
      if (!chosen.includes(j)) leftOut.push({ column: name, reason: "not selected" });
    });
  } else {
    chosen = [];
    // Types are judged on the first rows: enough to tell numbers from codes, cheap on big files.
    const sample = rows.length > TYPE_SAMPLE ? rows.slice(0, TYPE_SAMPLE) : rows;
    header.forEach((name, j) => {
      const values = sample.map((r) => r[j]!);
      const type = inferColumnType(values, name);
      // A column that is mostly numbers is meant to be numeric: its stray text is an error
      // to report (below), not a reason to leave the column out quietly.
      let numbers = 0;
      let present = 0;
      for (const v of values) {
        if (v.trim() === "") continue;
        present++;
        if (!Number.isNaN(parseNumber(v))) numbers++;
      }
      if (type === "id") leftOut.push({ column: name, reason: "identifier" });
      else if (present < (1 - MAX_MISSING_SHARE) * values.length)
        leftOut.push({ column: name, reason: "too many missing" });
      else if (type === "date") leftOut.push({ column: name, reason: "date" });
      else if (type === "numeric" || (numbers * 2 >= present && numbers > 0)) chosen.push(j);
      else leftOut.push({ column: name, reason: "non-numeric" });
    });
    if (chosen.length === 0) {
      throw new CliError(
        `${file}: no numeric column to cluster (columns: ${header.join(", ")}); name them with --columns`,
      );
    }
  }
  const n = rows.length;
  if (columnsFlag === undefined && n > 1) {
    // One value on every row says nothing about which segment a row belongs to.
    chosen = chosen.filter((j) => {
      const first = rows[0]![j]!.trim();
      if (rows.some((r) => r[j]!.trim() !== first)) return true;
      leftOut.push({ column: header[j]!, reason: "constant" });
      return false;
    });
    if (chosen.length === 0) {
      throw new CliError(
        `${file}: no numeric column to cluster (columns: ${header.join(", ")}); name them with --columns`,
      );
    }
  }
  // In the file's column order.
  const position = new Map(header.map((name, j) => [name, j]));
  leftOut.sort((a, b) => position.get(a.column)! - position.get(b.column)!);
  const d = chosen.length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const fields = rows[i]!;
    for (let c = 0; c < d; c++) {
      const j = chosen[c]!;
      const text = fields[j]!;
      const value = parseNumber(text);
      if (!Number.isFinite(value)) {
        const what = text.trim() === "" ? "is empty" : `has ${quote(text)}`;
        throw new CliError(`${file}, line ${lines[i]}, column "${header[j]}": ${what}, expected a number`);
      }
      data[i * d + c] = value;
    }
  }
  return { matrix: { data, n, d }, features: chosen.map((j) => header[j]!), leftOut };
}

function clusterMeans(
  x: Matrix,
  labels: Int32Array,
  k: number,
): { centroids: Float64Array; sizes: number[] } {
  const { n, d, data } = x;
  const centroids = new Float64Array(k * d);
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) continue;
    sizes[l]!++;
    for (let j = 0; j < d; j++) centroids[l * d + j]! += data[i * d + j]!;
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) centroids[c * d + j]! /= sizes[c]! || 1;
  return { centroids, sizes };
}

function inertiaOf(x: Matrix, labels: Int32Array, centroids: Float64Array): number {
  const { n, d, data } = x;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) continue;
    for (let j = 0; j < d; j++) sum += (data[i * d + j]! - centroids[l * d + j]!) ** 2;
  }
  return sum;
}

/** Picks k from a sweep by the vote of elbow, silhouette, Calinski-Harabasz and Davies-Bouldin. */
function chooseFromSweep(sweep: ReadonlyArray<ModelSelectionEntry>): number {
  return chooseK(sweep).k;
}

/**
 * Which columns take log1p before scaling: "none", "auto" (non-negative columns with skewness
 * above 1, as spend and frequency usually are) or a comma-separated list of columns.
 */
function chooseLog1p(file: string, table: Table, option: string): Uint8Array {
  const { matrix: x, features } = table;
  const flags = new Uint8Array(x.d);
  if (option === "none") return flags;
  const column = (j: number) => Float64Array.from({ length: x.n }, (_, i) => x.data[i * x.d + j]!);
  const min = (j: number) => column(j).reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  if (option === "auto") {
    for (let j = 0; j < x.d; j++) if (min(j) >= 0 && skewness(column(j)) > 1) flags[j] = 1;
    return flags;
  }
  for (const name of option.split(",").map((c) => c.trim())) {
    const j = features.indexOf(name);
    if (j < 0)
      throw new CliError(`strata segment: --log1p names "${name}", which is not a clustered column`, 2);
    if (min(j) <= -1)
      throw new CliError(`${file}, column "${name}": log1p needs values above -1 (found ${min(j)})`);
    flags[j] = 1;
  }
  return flags;
}

function applyLog1p(x: Matrix, flags: Uint8Array): Matrix {
  if (!flags.includes(1)) return x;
  const data = x.data.slice();
  for (let i = 0; i < x.n; i++)
    for (let j = 0; j < x.d; j++) if (flags[j]) data[i * x.d + j] = Math.log1p(data[i * x.d + j]!);
  return { data, n: x.n, d: x.d };
}

/**
 * Silhouette on a seeded sample, or NaN (printed as null) when it is undefined: a sample that
 * happens to hold a single cluster, as with a few extreme outliers in their own clusters.
 */
function safeSilhouette(x: Matrix, labels: Int32Array, seed: number): number {
  try {
    return silhouette(x, labels, { sampleSize: SILHOUETTE_SAMPLE, seed });
  } catch (error) {
    if (error instanceof CoreInputError) return Number.NaN;
    throw error;
  }
}

/** Metrics of one candidate k from its labels (algorithms whose sweep is not k-means restarts). */
function scoreLabels(x: Matrix, labels: Int32Array, k: number, seed: number): ModelSelectionEntry {
  const { centroids } = clusterMeans(x, labels, k);
  return {
    k,
    inertia: inertiaOf(x, labels, centroids),
    silhouette: safeSilhouette(x, labels, seed),
    calinskiHarabasz: calinskiHarabasz(x, labels),
    daviesBouldin: daviesBouldin(x, labels),
  };
}

interface Fit {
  labels: Int32Array;
  k: number;
  iterations: number | null;
  modelSelection: ModelSelectionEntry[] | null;
  mixture?: GaussianMixtureResult;
}

/** `strata segment`: clusters the rows of a CSV and prints one JSON summary. */
export async function runSegment(argv: ReadonlyArray<string>): Promise<SegmentOutput> {
  const started = performance.now();
  const flags = parseFlags("segment", argv, FLAGS);
  const cmd = "segment";
  const file = flags.get("input");
  if (!file) throw new CliError("strata segment: --input <file.csv> is required", 2);
  const algorithm = choiceFlag(cmd, flags, "algorithm", ALGORITHMS, "kmeans");
  const scale = choiceFlag<ScalerKind>(cmd, flags, "scale", SCALER_KINDS, "zscore");
  const kText = flags.get("k") ?? "auto";
  const isAuto = kText === "auto";
  const kFixed = isAuto ? undefined : numberFlag(cmd, flags, "k", { integer: true, min: 1 });
  const kMin = numberFlag(cmd, flags, "k-min", { integer: true, min: 2 }) ?? 2;
  const kMax = numberFlag(cmd, flags, "k-max", { integer: true, min: 2 }) ?? 10;
  if (kMax < kMin) throw new CliError(`strata segment: --k-max (${kMax}) is below --k-min (${kMin})`, 2);
  const nInit = numberFlag(cmd, flags, "n-init", { integer: true, min: 1 });
  const maxIter = numberFlag(cmd, flags, "max-iter", { integer: true, min: 1 });
  const tol = numberFlag(cmd, flags, "tol", { min: 0 });
  const seed = numberFlag(cmd, flags, "seed", { integer: true, min: 0 }) ?? 0;
  const threads = numberFlag(cmd, flags, "threads", { integer: true, min: 1, max: 256 }) ?? 1;
  const eps = numberFlag(cmd, flags, "eps", { min: 0 });
  const minSamples = numberFlag(cmd, flags, "min-samples", { integer: true, min: 1 }) ?? 5;
  const batchSize = numberFlag(cmd, flags, "batch-size", { integer: true, min: 1 });
  const linkage = choiceFlag(
    cmd,
    flags,
    "linkage",
    ["ward", "average", "complete", "single"] as const,
    "ward",
  );
  const covariance = choiceFlag(cmd, flags, "covariance", ["full", "diag"] as const, "full");
  if (eps === 0) throw new CliError("strata segment: --eps must be above 0", 2);

  const table = await readTable(file, flags.get("columns"));
  const raw = table.matrix;
  const log1p = chooseLog1p(file, table, flags.get("log1p") ?? "none");
  const logged = applyLog1p(raw, log1p);
  const scaler = fitScaler(logged, scale);
  const x = transformScaler(logged, scaler);
  const readMs = performance.now() - started;
  if (kFixed !== undefined && kFixed > raw.n) {
    throw new CliError(`strata segment: --k ${kFixed} is more than the ${raw.n} rows in ${file}`, 2);
  }

  const kmeansOptions = {
    seed,
    ...(nInit !== undefined ? { nInit } : {}),
    ...(maxIter !== undefined ? { maxIter } : {}),
    ...(tol !== undefined ? { tol } : {}),
  };
  const fitStarted = performance.now();
  let executor: Executor | undefined;
  const getExecutor = async (): Promise<Executor> => {
    if (!executor) {
      if (threads > 1) {
        const { createPiscinaExecutor } = await import("../parallel/piscina.js");
        executor = createPiscinaExecutor({ threads });
      } else {
        executor = createInlineExecutor();
      }
    }
    return executor;
  };
  let fit: Fit;
  try {
    if (algorithm === "kmeans" || algorithm === "minibatch") {
      let modelSelection: ModelSelectionEntry[] | null = null;
      let k = kFixed;
      if (k === undefined) {
        const upper = Math.min(kMax, raw.n - 1);
        if (upper < kMin)
          throw new CliError(`strata segment: ${file} has too few rows (${raw.n}) to choose k`, 1);
        let sweep: Array<ModelSelectionEntry & { labels: Int32Array; iterations: number }>;
        if (threads > 1) {
          // One k per task on the pool.
          const ex = await getExecutor();
          const shared = toShared(x);
          const ks = Array.from({ length: upper - kMin + 1 }, (_, i) => kMin + i);
          sweep = await Promise.all(
            ks.map((kk) =>
              ex.run<SweepKInput, SweepKOutput>("sweep-k", {
                x: shared,
                k: kk,
                options: kmeansOptions,
                silhouetteSampleSize: SILHOUETTE_SAMPLE,
                seed,
              }),
            ),
          );
        } else {
          sweep = sweepK(x, {
            ...kmeansOptions,
            kMin,
            kMax: upper,
            silhouetteSampleSize: SILHOUETTE_SAMPLE,
            keepFits: true,
          }).map((row) => ({ ...row, labels: row.fit!.labels }));
        }
        modelSelection = sweep.map((s) => ({
          k: s.k,
          inertia: s.inertia,
          silhouette: s.silhouette,
          calinskiHarabasz: s.calinskiHarabasz,
          daviesBouldin: s.daviesBouldin,
        }));
        k = chooseFromSweep(modelSelection);
        if (algorithm === "kmeans") {
          const chosen = sweep.find((s) => s.k === k)!;
          fit = { labels: chosen.labels, k, iterations: chosen.iterations, modelSelection };
        }
      }
      if (algorithm === "minibatch") {
        const result = miniBatchKMeans(x, k, {
          seed,
          ...(nInit !== undefined ? { nInit } : {}),
          ...(maxIter !== undefined ? { maxIter } : {}),
          ...(batchSize !== undefined ? { batchSize } : {}),
        });
        fit = { labels: result.labels, k, iterations: result.iterations, modelSelection };
      } else if (kFixed !== undefined) {
        const result =
          threads > 1
            ? await kmeansParallel(await getExecutor(), x, k, kmeansOptions)
            : kmeans(x, k, kmeansOptions);
        fit = { labels: result.labels, k, iterations: result.iterations, modelSelection };
      }
    } else if (algorithm === "dbscan") {
      const radius = eps ?? suggestEps(x, minSamples);
      const result = dbscan(x, { eps: radius, minSamples });
      fit = { labels: result.labels, k: result.nClusters, iterations: null, modelSelection: null };
    } else if (algorithm === "hierarchical") {
      // One tree, cut at every candidate k: the sweep costs one fit.
      const tree = hierarchical(x, { k: kFixed ?? Math.min(kMin, raw.n), linkage });
      if (kFixed !== undefined) {
        fit = { labels: tree.labels, k: tree.k, iterations: null, modelSelection: null };
      } else {
        const upper = Math.min(kMax, raw.n - 1);
        if (upper < kMin)
          throw new CliError(`strata segment: ${file} has too few rows (${raw.n}) to choose k`, 1);
        const cuts = new Map<number, Int32Array>();
        const modelSelection: ModelSelectionEntry[] = [];
        for (let kk = kMin; kk <= upper; kk++) {
          const cut = cutToK(tree.merges, raw.n, kk);
          cuts.set(kk, cut.labels);
          modelSelection.push(scoreLabels(x, cut.labels, kk, seed));
        }
        const k = chooseFromSweep(modelSelection);
        fit = { labels: cuts.get(k)!, k, iterations: null, modelSelection };
      }
    } else {
      const gmmOptions = {
        covariance,
        seed,
        ...(nInit !== undefined ? { nInit } : {}),
        ...(maxIter !== undefined ? { maxIter } : {}),
        ...(tol !== undefined ? { tol } : {}),
      };
      if (kFixed !== undefined) {
        const result = gaussianMixture(x, kFixed, gmmOptions);
        fit = {
          labels: result.labels,
          k: kFixed,
          iterations: result.iterations,
          modelSelection: null,
          mixture: result,
        };
      } else {
        // A mixture's own yardstick picks k: the lowest BIC (the table still shows every metric).
        const upper = Math.min(kMax, raw.n - 1);
        if (upper < kMin)
          throw new CliError(`strata segment: ${file} has too few rows (${raw.n}) to choose k`, 1);
        let best: GaussianMixtureResult | undefined;
        const modelSelection: ModelSelectionEntry[] = [];
        for (let kk = kMin; kk <= upper; kk++) {
          const result = gaussianMixture(x, kk, gmmOptions);
          modelSelection.push(scoreLabels(x, result.labels, kk, seed));
          if (!best || result.bic < best.bic) best = result;
        }
        fit = {
          labels: best!.labels,
          k: best!.k,
          iterations: best!.iterations,
          modelSelection,
          mixture: best!,
        };
      }
    }
  } finally {
    await executor?.destroy();
  }
  const fitMs = performance.now() - fitStarted;

  const { labels, k } = fit!;
  const { centroids, sizes } = clusterMeans(x, labels, k);
  const noise = labels.reduce((a, l) => a + (l < 0 ? 1 : 0), 0);
  const clustered = raw.n - noise;
  const sil = k >= 2 && k < clustered ? safeSilhouette(x, labels, seed) : Number.NaN;
  const original = toOriginalUnits({ data: centroids, n: k, d: raw.d }, scaler, log1p);
  const out = flags.get("out");
  if (out) await writeTextFile(out, `${Array.from(labels).join("\n")}\n`);
  const modelFile = flags.get("model");
  if (modelFile) {
    const base = { algorithm, features: table.features, scaler, log1p };
    const mixture = fit!.mixture;
    const model = mixture
      ? createMixtureModel({
          ...base,
          weights: mixture.weights,
          means: mixture.means,
          covariances: mixture.covariances,
          covariance: mixture.covariance,
        })
      : createCentroidModel({ ...base, centroids, k });
    await writeTextFile(modelFile, `${modelToJson(model)}\n`);
  }
  return {
    algorithm,
    n: raw.n,
    d: raw.d,
    features: table.features,
    k,
    sizes,
    noise,
    inertia: inertiaOf(x, labels, centroids),
    silhouette: Number.isFinite(sil) ? sil : null,
    centroids: Array.from({ length: k }, (_, c) =>
      Array.from(original.data.subarray(c * raw.d, (c + 1) * raw.d)),
    ),
    modelSelection: fit!.modelSelection,
    iterations: fit!.iterations,
    timings: {
      readMs: Math.round(readMs * 10) / 10,
      fitMs: Math.round(fitMs * 10) / 10,
      totalMs: Math.round((performance.now() - started) * 10) / 10,
    },
    leftOut: table.leftOut,
  };
}
