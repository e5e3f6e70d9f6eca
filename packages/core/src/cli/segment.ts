import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { modelToJson } from "../model/model.js";
import type { Executor } from "../parallel/executor.js";
import { kmeansOnExecutor } from "../pipeline/fit.js";
import { type SegmentationOptions, segmentationOptions } from "../pipeline/options.js";
import { prepareMatrix } from "../pipeline/prepare-matrix.js";
import { segmentationRun } from "../pipeline/run.js";
import {
  type ModelSelectionPoint,
  type SegmentationInput,
  SegmentationInputError,
  type SegmentationResult,
} from "../pipeline/types.js";
import { inferColumnType } from "../preprocess/infer.js";
import { SCALER_KINDS, type ScalerKind } from "../preprocess/scaler.js";
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
  transform: "string",
  outliers: "string",
  "min-share": "string",
  covariance: "string",
} as const;

const TYPE_SAMPLE = 5_000;
/** Columns with a larger share of empty cells are left out (unless named with --columns). */
const MAX_MISSING_SHARE = 0.5;

export interface SegmentOutput {
  algorithm: Algorithm;
  n: number;
  d: number;
  features: string[];
  k: number;
  sizes: number[];
  noise: number;
  inertia: number | null;
  silhouette: number | null;
  /** Segment means in the columns' own units (as a workspace run's centroidsOriginal). */
  centroids: number[][];
  modelSelection: ModelSelectionPoint[] | null;
  iterations: number | null;
  timings: { readMs: number; fitMs: number; totalMs: number };
  /** Every column of the file that was not clustered, and why. */
  leftOut: LeftOutColumn[];
  /** Why this k (and which k were ruled out), as a workspace run says it. */
  chosenK: { k: number; reason: string };
  names: string[];
  transforms: SegmentationResult["transforms"];
  outliers: Omit<SegmentationResult["outliers"], "rows"> & { rows: number[] };
  stability: number | null;
  metrics: SegmentationResult["metrics"];
  preparation: SegmentationResult["preparation"];
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
      // An empty cell is a missing value (filled with the column's median, as in a workspace run).
      if (text.trim() === "") {
        data[i * d + c] = Number.NaN;
        continue;
      }
      const value = parseNumber(text);
      if (!Number.isFinite(value)) {
        throw new CliError(
          `${file}, line ${lines[i]}, column "${header[j]}": has ${quote(text)}, expected a number`,
        );
      }
      data[i * d + c] = value;
    }
  }
  return { matrix: { data, n, d }, features: chosen.map((j) => header[j]!), leftOut };
}

const TRANSFORMS = ["auto", "none"] as const;

/**
 * `--transform auto|none`; `--log1p none|auto|a,b` is the older spelling (a list takes log(1 + x)
 * of exactly those columns).
 */
function transformOption(
  flags: Map<string, string>,
  features: ReadonlyArray<string>,
): SegmentationOptions["transform"] {
  const log1p = flags.get("log1p");
  if (log1p === undefined || log1p === "auto" || log1p === "none") {
    return log1p ?? choiceFlag("segment", flags, "transform", TRANSFORMS, "auto");
  }
  const names = log1p.split(",").map((c) => c.trim());
  for (const name of names) {
    if (!features.includes(name))
      throw new CliError(`strata segment: --log1p names "${name}", which is not a clustered column`, 2);
  }
  return { log1p: names };
}

/** `strata segment`: clusters the rows of a CSV with the workspace runs' pipeline and prints one JSON summary. */
export async function runSegment(argv: ReadonlyArray<string>): Promise<SegmentOutput> {
  const started = performance.now();
  const flags = parseFlags("segment", argv, FLAGS);
  const cmd = "segment";
  const file = flags.get("input");
  if (!file) throw new CliError("strata segment: --input <file.csv> is required", 2);
  const algorithm = choiceFlag(cmd, flags, "algorithm", ALGORITHMS, "kmeans");
  const scale = choiceFlag<ScalerKind>(cmd, flags, "scale", SCALER_KINDS, "zscore");
  const kText = flags.get("k") ?? "auto";
  const kFixed = kText === "auto" ? undefined : numberFlag(cmd, flags, "k", { integer: true, min: 1 });
  const kMin = numberFlag(cmd, flags, "k-min", { integer: true, min: 2 });
  const kMax = numberFlag(cmd, flags, "k-max", { integer: true, min: 2 });
  const threads = numberFlag(cmd, flags, "threads", { integer: true, min: 1, max: 256 }) ?? 1;
  const eps = numberFlag(cmd, flags, "eps", { min: 0 });
  if (eps === 0) throw new CliError("strata segment: --eps must be above 0", 2);
  const minShare = numberFlag(cmd, flags, "min-share", { min: 0, max: 25 });
  const outliers = choiceFlag(cmd, flags, "outliers", ["set-aside", "keep"] as const, "set-aside");
  const linkage = choiceFlag(
    cmd,
    flags,
    "linkage",
    ["ward", "average", "complete", "single"] as const,
    "ward",
  );
  const covariance = choiceFlag(cmd, flags, "covariance", ["full", "diag"] as const, "full");

  const table = await readTable(file, flags.get("columns"));
  const raw = table.matrix;
  if (kFixed !== undefined && kFixed > raw.n) {
    throw new CliError(`strata segment: --k ${kFixed} is more than the ${raw.n} rows in ${file}`, 2);
  }
  let options: SegmentationOptions;
  try {
    options = segmentationOptions({
      algorithm,
      k: kFixed ?? "auto",
      ...(kMin !== undefined ? { kMin } : {}),
      ...(kMax !== undefined ? { kMax } : {}),
      ...(kMin !== undefined && kMax === undefined ? { kMax: Math.max(kMin, 8) } : {}),
      ...(kMax !== undefined && kMin === undefined ? { kMin: Math.min(kMax, 3) } : {}),
      scaler: scale,
      transform: transformOption(flags, table.features),
      outliers,
      ...(minShare !== undefined ? { minSegmentShare: minShare / 100 } : {}),
      seed: numberFlag(cmd, flags, "seed", { integer: true, min: 0 }) ?? 0,
      eps,
      minSamples: numberFlag(cmd, flags, "min-samples", { integer: true, min: 1 }) ?? 5,
      linkage,
      covariance,
      fitting: {
        nInit: numberFlag(cmd, flags, "n-init", { integer: true, min: 1 }),
        maxIter: numberFlag(cmd, flags, "max-iter", { integer: true, min: 1 }),
        tol: numberFlag(cmd, flags, "tol", { min: 0 }),
        batchSize: numberFlag(cmd, flags, "batch-size", { integer: true, min: 1 }),
      },
    });
  } catch (error) {
    if (error instanceof CoreInputError) throw new CliError(`strata segment: ${error.message}`, 2);
    throw error;
  }
  const input: SegmentationInput = { ...raw, features: table.features, options };
  const readMs = performance.now() - started;

  const fitStarted = performance.now();
  let result: SegmentationResult;
  let executor: Executor | undefined;
  try {
    if (threads > 1 && algorithm === "kmeans") {
      // k-means restarts or the k sweep on a pool, as the worker runs them; the rest inline.
      const { createPiscinaExecutor } = await import("../parallel/piscina.js");
      executor = createPiscinaExecutor({ threads });
      const prepared = prepareMatrix(input);
      const clustering = await kmeansOnExecutor(
        executor,
        input,
        prepared.fitX,
        () => {},
        new AbortController().signal,
      );
      result = segmentationRun(input, () => {}, clustering);
    } else {
      result = segmentationRun(input);
    }
  } catch (error) {
    if (error instanceof SegmentationInputError) throw new CliError(`${file}: ${error.message}`, 1);
    throw error;
  } finally {
    await executor?.destroy();
  }
  const fitMs = performance.now() - fitStarted;

  // Rows left out for missing values (--missing drop is not offered here, so none) keep -1.
  const labels = new Int32Array(raw.n).fill(-1);
  result.rows.forEach((row, i) => {
    labels[row] = result.labels[i]!;
  });
  const out = flags.get("out");
  if (out) await writeTextFile(out, `${Array.from(labels).join("\n")}\n`);
  const modelFile = flags.get("model");
  if (modelFile) await writeTextFile(modelFile, `${modelToJson(result.model)}\n`);
  const noise = result.labels.reduce((a, l) => a + (l < 0 ? 1 : 0), 0);
  return {
    algorithm,
    n: raw.n,
    d: result.features.length,
    features: result.features,
    k: result.k,
    sizes: result.sizes,
    noise,
    inertia: result.metrics.inertia,
    silhouette: result.metrics.silhouette,
    centroids: result.centroidsOriginal,
    modelSelection: result.modelSelection.length > 0 ? result.modelSelection : null,
    iterations: result.iterations,
    timings: {
      readMs: Math.round(readMs * 10) / 10,
      fitMs: Math.round(fitMs * 10) / 10,
      totalMs: Math.round((performance.now() - started) * 10) / 10,
    },
    leftOut: table.leftOut,
    chosenK: result.chosenK,
    names: result.explanation?.explanation?.segments.map((s) => s.name) ?? [],
    transforms: result.transforms,
    outliers: result.outliers,
    stability: result.stability,
    metrics: result.metrics,
    preparation: result.preparation,
  };
}
