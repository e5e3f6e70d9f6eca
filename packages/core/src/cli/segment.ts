import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { modelToJson } from "../model/model.js";
import type { Executor } from "../parallel/executor.js";
import { describeClustering } from "../pipeline/describe.js";
import { type Clustering, clusterInline, kmeansOnExecutor } from "../pipeline/fit.js";
import { type SegmentationOptions, segmentationOptions } from "../pipeline/options.js";
import { type PreparedMatrix, prepareMatrix } from "../pipeline/prepare-matrix.js";
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
import { type CsvHeader, type NumericCsv, readNumericCsv, streamCsv } from "./read-csv.js";
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
  /**
   * Wall-clock milliseconds: reading the file (readMs), then the fit (fitMs), which is preparing
   * the features (prepareMs), clustering (clusterMs) and measuring, mapping and explaining the
   * segments (describeMs); totalMs covers the command.
   */
  timings: {
    readMs: number;
    fitMs: number;
    prepareMs: number;
    clusterMs: number;
    describeMs: number;
    totalMs: number;
  };
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

interface Selection {
  chosen: number[];
  leftOut: LeftOutColumn[];
}

/** The columns to cluster: those named with --columns, or the numeric ones of the first rows. */
function chooseColumns(
  file: string,
  header: CsvHeader,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  columnsFlag: string | undefined,
): Selection {
  const columns = header.columns;
  const leftOut: LeftOutColumn[] = [];
  if (columnsFlag !== undefined) {
    const names = columnsFlag
      .split(",")
      .map((c) => c.trim())
      .filter((c) => c !== "");
    if (names.length === 0) throw new CliError("strata segment: --columns names no column", 2);
    const chosen = names.map((name) => {
      const j = columns.indexOf(name);
      if (j < 0) {
        throw new CliError(
          `${file}, line ${header.line}: column "${name}" is missing from the header (it has ${columns.map((h) => `"${h}"`).join(", ")})`,
        );
      }
      return j;
    });
    columns.forEach((name, j) => {
      if (!chosen.includes(j)) leftOut.push({ column: name, reason: "not selected" });
    });
    return { chosen, leftOut };
  }
  const chosen: number[] = [];
  // Types are judged on the first rows: enough to tell numbers from codes, cheap on big files.
  const sample = rows.length > TYPE_SAMPLE ? rows.slice(0, TYPE_SAMPLE) : rows;
  columns.forEach((name, j) => {
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
      `${file}: no numeric column to cluster (columns: ${columns.join(", ")}); name them with --columns`,
    );
  }
  return { chosen, leftOut };
}

/** Inferred columns with one value on every row say nothing about which segment a row belongs to. */
function dropConstant(
  file: string,
  header: CsvHeader,
  selection: Selection,
  isConstant: (c: number) => boolean,
): number[] {
  const kept = selection.chosen.filter((j, c) => {
    if (!isConstant(c)) return true;
    selection.leftOut.push({ column: header.columns[j]!, reason: "constant" });
    return false;
  });
  if (kept.length === 0) {
    throw new CliError(
      `${file}: no numeric column to cluster (columns: ${header.columns.join(", ")}); name them with --columns`,
    );
  }
  return kept;
}

function badValue(file: string, line: number, column: string, text: string): CliError {
  return new CliError(`${file}, line ${line}, column "${column}": has ${quote(text)}, expected a number`);
}

function finishTable(header: CsvHeader, selection: Selection, chosen: number[], matrix: Matrix): Table {
  // In the file's column order.
  const position = new Map(header.columns.map((name, j) => [name, j]));
  const leftOut = selection.leftOut;
  leftOut.sort((a, b) => position.get(a.column)! - position.get(b.column)!);
  return { matrix, features: chosen.map((j) => header.columns[j]!), leftOut };
}

/**
 * Reads the CSV into a numeric matrix of the chosen (or inferred numeric) columns, strictly.
 * A large plain file is parsed from its bytes (readNumericCsv); anything else as text records.
 */
async function readTable(file: string, columnsFlag: string | undefined): Promise<Table> {
  let selection: Selection | undefined;
  const fast = await readNumericCsv(file, {
    sampleRows: TYPE_SAMPLE,
    choose: (header, sample) => {
      selection = chooseColumns(
        file,
        header,
        sample.map((r) => r.fields),
        columnsFlag,
      );
      return selection.chosen;
    },
  });
  if (fast !== undefined && selection !== undefined)
    return fromNumericCsv(file, columnsFlag, fast, selection);

  let header: CsvHeader = { columns: [], line: 1 };
  const rows: string[][] = [];
  const lines: number[] = [];
  await streamCsv(
    file,
    (h) => {
      header = h;
    },
    (record) => {
      rows.push(record.fields);
      lines.push(record.line);
    },
  );
  const picked = chooseColumns(file, header, rows, columnsFlag);
  const n = rows.length;
  let chosen = picked.chosen;
  if (columnsFlag === undefined && n > 1) {
    chosen = dropConstant(file, header, picked, (c) => {
      const j = picked.chosen[c]!;
      const first = rows[0]![j]!.trim();
      return !rows.some((r) => r[j]!.trim() !== first);
    });
  }
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
      if (!Number.isFinite(value)) throw badValue(file, lines[i]!, header.columns[j]!, text);
      data[i * d + c] = value;
    }
  }
  return finishTable(header, picked, chosen, { data, n, d });
}

/** The same table from the byte-level reader: same columns left out, same first error. */
function fromNumericCsv(
  file: string,
  columnsFlag: string | undefined,
  csv: NumericCsv,
  selection: Selection,
): Table {
  const { header, n } = csv;
  const all = selection.chosen;
  const chosen =
    columnsFlag === undefined && n > 1
      ? dropConstant(file, header, selection, (c) => csv.isConstant[c]!)
      : all;
  // The first bad cell in row order, among the columns kept (as the text path meets it).
  let bad: { line: number; text: string; column: number } | undefined;
  for (const j of chosen) {
    const found = csv.firstBad[all.indexOf(j)];
    if (found !== undefined && (bad === undefined || found.line < bad.line)) bad = { ...found, column: j };
  }
  if (bad !== undefined) throw badValue(file, bad.line, header.columns[bad.column]!, bad.text);
  if (chosen.length === all.length)
    return finishTable(header, selection, chosen, { data: csv.data, n, d: all.length });
  const d = chosen.length;
  const from = chosen.map((j) => all.indexOf(j));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) data[i * d + c] = csv.data[i * all.length + from[c]!]!;
  }
  return finishTable(header, selection, chosen, { data, n, d });
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

/**
 * Prepares the features and clusters the fitted rows: on a pool for k-means with threads > 1 (its
 * restarts or the k sweep, as the worker runs them), inline otherwise. Returns the prepared
 * matrices without `fitX`, the copy of the rows without the outliers: describing does not need
 * it, and with this function's frame gone nothing keeps it, so the GC can free it (64 MB on
 * 1M x 8) before the describe step's own arrays come.
 */
async function prepareAndCluster(
  input: SegmentationInput,
  algorithm: Algorithm,
  threads: number,
  onPool: (executor: Executor) => void,
): Promise<{
  prepared: Omit<PreparedMatrix, "fitX">;
  clustering: Clustering;
  prepareMs: number;
  clusterMs: number;
}> {
  const started = performance.now();
  const { fitX, ...prepared } = prepareMatrix(input);
  const prepareMs = performance.now() - started;
  let clustering: Clustering;
  if (threads > 1 && algorithm === "kmeans") {
    const { createPiscinaExecutor } = await import("../parallel/piscina.js");
    const executor = createPiscinaExecutor({ threads });
    onPool(executor);
    clustering = await kmeansOnExecutor(executor, input, fitX, () => {}, new AbortController().signal);
  } else {
    clustering = clusterInline(input, fitX, () => {});
  }
  return { prepared, clustering, prepareMs, clusterMs: performance.now() - started - prepareMs };
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
      // The command prints segments, sizes and names, never a map: no t-SNE to draw.
      tsne: "off",
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
  let prepareMs = 0;
  let clusterMs = 0;
  let describeMs = 0;
  try {
    // The steps of segmentationRun, timed apart: preparing the features, clustering, describing.
    const fitted = await prepareAndCluster(input, algorithm, threads, (pool) => {
      executor = pool;
    });
    prepareMs = fitted.prepareMs;
    clusterMs = fitted.clusterMs;
    const describeStarted = performance.now();
    result = describeClustering(input, fitted.prepared, fitted.clustering, () => {});
    describeMs = performance.now() - describeStarted;
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
      prepareMs: Math.round(prepareMs * 10) / 10,
      clusterMs: Math.round(clusterMs * 10) / 10,
      describeMs: Math.round(describeMs * 10) / 10,
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
