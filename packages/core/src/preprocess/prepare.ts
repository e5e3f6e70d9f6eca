import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { DAY_MS, detectDateOrder, parseDate } from "./dates.js";
import { detectIdentifier } from "./identifier.js";
import { type ColumnType, inferColumnType } from "./infer.js";
import {
  type FittedScaler,
  fitScaler,
  inverseScaler,
  quantileSorted,
  type ScalerKind,
  transformScaler,
} from "./scaler.js";
import { isMissingText, parseNumber, type Table, tableRowCount } from "./table.js";

export interface PrepareOptions {
  /** Columns to use; default every column that can become a feature. */
  readonly columns?: ReadonlyArray<string>;
  /** Column types that override the inferred ones. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** What to do with missing cells: drop the row, or impute median (numbers, dates) / mode (categories). Default impute. */
  readonly missing?: "drop" | "impute";
  /** Add a 0/1 `<column> missing` feature for every column that had missing cells. Default false. */
  readonly missingIndicator?: boolean;
  /** Columns with a larger share of missing cells are dropped. Default 0.5. */
  readonly maxMissingShare?: number;
  /** Drop rows identical to an earlier row on the used columns. Default true. */
  readonly dropDuplicates?: boolean;
  /** Encoding for categorical columns. Default onehot. */
  readonly categorical?: "onehot" | "frequency";
  /** One-hot keeps this many most frequent categories and folds the rest into "other". Default 10. */
  readonly maxCategories?: number;
  /** Instant (epoch ms) that date columns are measured back from; default the latest date seen. */
  readonly referenceDate?: number;
  /** Take log1p of non-negative numeric features: "auto" when skewness exceeds skewThreshold. Default "auto". */
  readonly log1p?: "auto" | ReadonlyArray<string> | false;
  readonly skewThreshold?: number;
  /** Cap numeric features at these quantiles. Default off. */
  readonly winsorize?: false | { readonly lower: number; readonly upper: number };
  /** Scaler applied last. Default zscore. */
  readonly scale?: ScalerKind;
}

export interface PrepareStep {
  readonly step:
    | "types"
    | "select"
    | "parse"
    | "duplicates"
    | "missing"
    | "dates"
    | "age"
    | "encode"
    | "constant"
    | "log1p"
    | "winsorize"
    | "scale";
  readonly column?: string;
  readonly detail: string;
}

/** Everything prepare() did, in order, for the UI to show. Row numbers are 0-based input rows. */
export interface PrepareReport {
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly columnTypes: Record<string, ColumnType>;
  readonly droppedRows: Array<{ reason: string; count: number; examples: number[] }>;
  readonly droppedColumns: Array<{ column: string; reason: string }>;
  readonly steps: PrepareStep[];
}

export interface PreparedData {
  /** Scaled features, one row per kept input row. */
  readonly x: Matrix;
  /** The same features in original units (after encoding, before log1p, capping and scaling). */
  readonly original: Matrix;
  readonly features: string[];
  /** Input row index of every output row. */
  readonly rowIndex: Int32Array;
  /** 1 where log1p was applied to the feature before scaling. */
  readonly log1p: Uint8Array;
  readonly scaler: FittedScaler;
  readonly report: PrepareReport;
}

const BIRTH = /(birth|^yob$|born)/i;
const EXAMPLES = 20;

interface WorkColumn {
  name: string;
  type: ColumnType;
  numbers?: Float64Array; // numeric and date columns (NaN = missing)
  codes?: Int32Array; // categorical: index into levels, -1 = missing
  levels?: string[];
}

/** Sample skewness (Fisher-Pearson, biased: m3 / m2^1.5), 0 for fewer than 3 values or no spread. */
export function skewness(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 3) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const diff = values[i]! - mean;
    m2 += diff * diff;
    m3 += diff * diff * diff;
  }
  m2 /= n;
  m3 /= n;
  return m2 > 0 ? m3 / m2 ** 1.5 : 0;
}

function median(values: Float64Array): number {
  const present = values.filter((v) => !Number.isNaN(v)).sort();
  return quantileSorted(present, 0.5);
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, "");
}

/**
 * Turns a table into a numeric matrix ready for clustering, reporting every decision:
 * types, column selection, duplicates, missing values, dates, encoding, constant columns,
 * skew, capping and scaling, in that order.
 */
export function prepare(table: Table, options: PrepareOptions = {}): PreparedData {
  const rowsIn = tableRowCount(table);
  const steps: PrepareStep[] = [];
  const droppedRows: PrepareReport["droppedRows"] = [];
  const droppedColumns: PrepareReport["droppedColumns"] = [];
  const columnTypes: Record<string, ColumnType> = {};
  const missingMode = options.missing ?? "impute";
  const maxMissingShare = options.maxMissingShare ?? 0.5;
  const maxCategories = options.maxCategories ?? 10;

  for (const col of table.columns) {
    if (col.values.length !== rowsIn) {
      throw new CoreInputError(`column "${col.name}" has ${col.values.length} values, expected ${rowsIn}`, {
        field: col.name,
      });
    }
  }
  if (options.columns) {
    for (const name of options.columns) {
      if (!table.columns.some((c) => c.name === name)) {
        throw new CoreInputError(`column "${name}" is not in the table`, { field: name });
      }
    }
  }

  // 1. Types and selection.
  const work: WorkColumn[] = [];
  for (const col of table.columns) {
    const given = options.types?.[col.name];
    // Columns that arrive as numbers are still judged for identifiers ("CustomerID" as 17850.0).
    const identifier = given === undefined ? detectIdentifier(col.values, col.name) : null;
    const type: ColumnType =
      given ??
      (col.values instanceof Float64Array
        ? identifier
          ? "id"
          : "numeric"
        : inferColumnType(col.values as string[], col.name));
    columnTypes[col.name] = type;
    steps.push({ step: "types", column: col.name, detail: `${given ? "given" : "inferred"} type ${type}` });
    if (options.columns && !options.columns.includes(col.name)) {
      droppedColumns.push({ column: col.name, reason: "not selected" });
      continue;
    }
    if (type === "id" || type === "text") {
      droppedColumns.push({
        column: col.name,
        reason:
          type === "id"
            ? `identifier: ${identifier?.reason ?? "a different value on every row"}`
            : "free text",
      });
      continue;
    }
    work.push({ name: col.name, type });
  }

  // 2. Parse cells.
  for (const w of work) {
    const source = table.columns.find((c) => c.name === w.name)!.values;
    if (w.type === "numeric" || w.type === "date") {
      if (source instanceof Float64Array) {
        w.numbers = source.slice();
        continue;
      }
      const texts = source as ReadonlyArray<string>;
      const order = w.type === "date" ? detectDateOrder(texts) : "dmy";
      const numbers = new Float64Array(rowsIn);
      let unparsed = 0;
      for (let i = 0; i < rowsIn; i++) {
        const text = texts[i]!;
        if (isMissingText(text)) {
          numbers[i] = Number.NaN;
          continue;
        }
        const v = w.type === "date" ? parseDate(text, order) : parseNumber(text);
        if (Number.isNaN(v)) unparsed++;
        numbers[i] = v;
      }
      if (unparsed > 0) {
        steps.push({
          step: "parse",
          column: w.name,
          detail: `${unparsed} value(s) that are not ${w.type === "date" ? "dates" : "numbers"} treated as missing`,
        });
      }
      w.numbers = numbers;
    } else {
      const texts =
        source instanceof Float64Array
          ? Array.from(source, (v) => (Number.isNaN(v) ? "" : String(v)))
          : source;
      const index = new Map<string, number>();
      const codes = new Int32Array(rowsIn);
      for (let i = 0; i < rowsIn; i++) {
        const text = texts[i]!;
        if (isMissingText(text)) {
          codes[i] = -1;
          continue;
        }
        const key = text.trim();
        let code = index.get(key);
        if (code === undefined) {
          code = index.size;
          index.set(key, code);
        }
        codes[i] = code;
      }
      w.codes = codes;
      w.levels = [...index.keys()];
    }
  }

  const isMissing = (w: WorkColumn, i: number): boolean =>
    w.numbers ? Number.isNaN(w.numbers[i]!) : w.codes![i]! < 0;

  // 3. Columns mostly missing.
  for (let c = work.length - 1; c >= 0; c--) {
    const w = work[c]!;
    let missing = 0;
    for (let i = 0; i < rowsIn; i++) if (isMissing(w, i)) missing++;
    if (rowsIn > 0 && missing / rowsIn > maxMissingShare) {
      droppedColumns.push({
        column: w.name,
        reason: `${Math.round((100 * missing) / rowsIn)}% missing (more than ${Math.round(100 * maxMissingShare)}%)`,
      });
      work.splice(c, 1);
    }
  }

  let keep: number[] = Array.from({ length: rowsIn }, (_, i) => i);
  const dropRows = (reason: string, isDropped: (i: number) => boolean): void => {
    const examples: number[] = [];
    let count = 0;
    keep = keep.filter((i) => {
      if (!isDropped(i)) return true;
      count++;
      if (examples.length < EXAMPLES) examples.push(i);
      return false;
    });
    if (count > 0) droppedRows.push({ reason, count, examples });
  };

  // 4. Duplicate rows on the used columns (compared on parsed values).
  if (options.dropDuplicates ?? true) {
    const seen = new Set<string>();
    dropRows("duplicate of an earlier row", (i) => {
      const key = work.map((w) => (w.numbers ? w.numbers[i] : w.codes![i])).join("\u0001");
      if (seen.has(key)) return true;
      seen.add(key);
      return false;
    });
  }

  // 5. Missing values.
  const indicators: Array<{ name: string; values: Float64Array }> = [];
  if (missingMode === "drop") {
    dropRows("missing value", (i) => work.some((w) => isMissing(w, i)));
  } else {
    for (const w of work) {
      const rows = keep.filter((i) => isMissing(w, i));
      if (rows.length === 0) continue;
      if (options.missingIndicator) {
        const flag = new Float64Array(rowsIn);
        for (const i of rows) flag[i] = 1;
        indicators.push({ name: `${w.name} missing`, values: flag });
      }
      if (w.numbers) {
        const fill = median(Float64Array.from(keep, (i) => w.numbers![i]!));
        for (const i of rows) w.numbers[i] = fill;
        const shown = w.type === "date" ? new Date(fill).toISOString().slice(0, 10) : formatNumber(fill);
        steps.push({
          step: "missing",
          column: w.name,
          detail: `${rows.length} missing value(s) set to the median ${shown}`,
        });
      } else {
        const counts = new Int32Array(w.levels!.length);
        for (const i of keep) if (w.codes![i]! >= 0) counts[w.codes![i]!]!++;
        let mode = 0;
        for (let l = 1; l < counts.length; l++) if (counts[l]! > counts[mode]!) mode = l;
        for (const i of rows) w.codes![i] = mode;
        steps.push({
          step: "missing",
          column: w.name,
          detail: `${rows.length} missing value(s) set to the most frequent "${w.levels![mode]}"`,
        });
      }
    }
  }

  // 6. Single-value columns.
  for (let c = work.length - 1; c >= 0; c--) {
    const w = work[c]!;
    const first = keep[0];
    if (first === undefined) break;
    const value = w.numbers ? w.numbers[first] : w.codes![first];
    if (keep.every((i) => (w.numbers ? w.numbers[i] : w.codes![i]) === value)) {
      const shown = w.numbers ? formatNumber(value!) : `"${w.levels![value!]}"`;
      droppedColumns.push({ column: w.name, reason: `constant: every row is ${shown}` });
      work.splice(c, 1);
    }
  }

  // 7. Features: numbers, ages, days since dates, encoded categories.
  const n = keep.length;
  const features: Array<{ name: string; values: Float64Array; isNumeric: boolean }> = [];
  let reference = options.referenceDate;
  if (reference === undefined) {
    let latest = Number.NEGATIVE_INFINITY;
    for (const w of work)
      if (w.type === "date") for (const i of keep) latest = Math.max(latest, w.numbers![i]!);
    // With no date column at all, "now" is the only sensible instant to measure ages from.
    reference = Number.isFinite(latest) ? latest : Date.now();
  }
  const referenceYear = new Date(reference).getUTCFullYear();
  for (const w of work) {
    if (w.type === "numeric") {
      const values = Float64Array.from(keep, (i) => w.numbers![i]!);
      let isBirthYear = BIRTH.test(w.name);
      if (isBirthYear)
        for (const v of values) if (!(Number.isInteger(v) && v >= 1880 && v <= 2100)) isBirthYear = false;
      if (isBirthYear) {
        const year = referenceYear;
        for (let r = 0; r < n; r++) values[r] = year - values[r]!;
        features.push({ name: "age", values, isNumeric: true });
        steps.push({ step: "age", column: w.name, detail: `birth year turned into age in ${year}` });
      } else {
        features.push({ name: w.name, values, isNumeric: true });
      }
    } else if (w.type === "date") {
      const isBirth = BIRTH.test(w.name) || /^dob$/i.test(w.name);
      const values = Float64Array.from(keep, (i) => (reference! - w.numbers![i]!) / DAY_MS);
      const name = isBirth ? "age" : `days since ${w.name}`;
      if (isBirth) for (let r = 0; r < n; r++) values[r] = values[r]! / 365.2425;
      features.push({ name, values, isNumeric: true });
      steps.push({
        step: "dates",
        column: w.name,
        detail: `${isBirth ? "age in years" : "days"} up to ${new Date(reference).toISOString().slice(0, 10)}`,
      });
    } else {
      const levels = w.levels!;
      const counts = new Int32Array(levels.length);
      for (const i of keep) counts[w.codes![i]!]!++;
      if ((options.categorical ?? "onehot") === "frequency") {
        const values = Float64Array.from(keep, (i) => counts[w.codes![i]!]! / n);
        features.push({ name: `${w.name} frequency`, values, isNumeric: true });
        steps.push({
          step: "encode",
          column: w.name,
          detail: `frequency encoded (${levels.length} categories)`,
        });
      } else {
        const order = levels.map((_, l) => l).filter((l) => counts[l]! > 0);
        order.sort((a, b) => counts[b]! - counts[a]! || a - b);
        // With exactly two categories one indicator says everything; drop the redundant one.
        const kept = order.length === 2 ? order.slice(0, 1) : order.slice(0, maxCategories);
        for (const l of kept) {
          features.push({
            name: `${w.name}=${levels[l]}`,
            values: Float64Array.from(keep, (i) => (w.codes![i] === l ? 1 : 0)),
            isNumeric: false,
          });
        }
        const folded = order.length > 2 ? order.length - kept.length : 0;
        if (folded > 0) {
          const keptSet = new Set(kept);
          features.push({
            name: `${w.name}=other`,
            values: Float64Array.from(keep, (i) => (keptSet.has(w.codes![i]!) ? 0 : 1)),
            isNumeric: false,
          });
        }
        steps.push({
          step: "encode",
          column: w.name,
          detail: `one-hot encoded into ${kept.length + (folded > 0 ? 1 : 0)} column(s)${folded > 0 ? `, ${folded} rare categories folded into "other"` : ""}`,
        });
      }
    }
  }
  for (const ind of indicators) {
    features.push({
      name: ind.name,
      values: Float64Array.from(keep, (i) => ind.values[i]!),
      isNumeric: false,
    });
  }

  if (features.length === 0) {
    throw new CoreInputError("no usable feature columns left after preparation", { field: "columns" });
  }

  const d = features.length;
  const original = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const values = features[j]!.values;
    for (let r = 0; r < n; r++) original[r * d + j] = values[r]!;
  }

  // 8. Skew: log1p on non-negative numeric features.
  const log1p = new Uint8Array(d);
  const logOption = options.log1p ?? "auto";
  const threshold = options.skewThreshold ?? 1;
  for (let j = 0; j < d; j++) {
    const f = features[j]!;
    if (!f.isNumeric || logOption === false) continue;
    let min = Number.POSITIVE_INFINITY;
    for (const v of f.values) if (v < min) min = v;
    const wanted = logOption === "auto" ? skewness(f.values) > threshold : logOption.includes(f.name);
    if (!wanted) continue;
    if (min < 0) {
      if (logOption !== "auto")
        steps.push({ step: "log1p", column: f.name, detail: "not applied: negative values" });
      continue;
    }
    const before = skewness(f.values);
    for (let r = 0; r < n; r++) f.values[r] = Math.log1p(f.values[r]!);
    log1p[j] = 1;
    steps.push({
      step: "log1p",
      column: f.name,
      detail: `log1p applied (skewness ${before.toFixed(2)} -> ${skewness(f.values).toFixed(2)})`,
    });
  }

  // 9. Winsorise numeric features.
  if (options.winsorize) {
    const { lower, upper } = options.winsorize;
    for (const f of features) {
      if (!f.isNumeric) continue;
      const sorted = f.values.slice().sort();
      const lo = quantileSorted(sorted, lower);
      const hi = quantileSorted(sorted, upper);
      let capped = 0;
      for (let r = 0; r < n; r++) {
        const v = f.values[r]!;
        if (v < lo) {
          f.values[r] = lo;
          capped++;
        } else if (v > hi) {
          f.values[r] = hi;
          capped++;
        }
      }
      if (capped > 0) {
        steps.push({
          step: "winsorize",
          column: f.name,
          detail: `${capped} value(s) capped to the ${lower * 100}%-${upper * 100}% quantiles`,
        });
      }
    }
  }

  const transformed = new Float64Array(n * d);
  for (let j = 0; j < d; j++) {
    const values = features[j]!.values;
    for (let r = 0; r < n; r++) transformed[r * d + j] = values[r]!;
  }
  const kind = options.scale ?? "zscore";
  const before: Matrix = { data: transformed, n, d };
  const scaler = fitScaler(before, kind);
  steps.push({ step: "scale", detail: `${kind} scaling on ${d} feature(s)` });

  return {
    x: transformScaler(before, scaler),
    original: { data: original, n, d },
    features: features.map((f) => f.name),
    rowIndex: Int32Array.from(keep),
    log1p,
    scaler,
    report: { rowsIn, rowsOut: n, columnTypes, droppedRows, droppedColumns, steps },
  };
}

/**
 * Maps rows in the scaled space (for example centroids) back to original units: undoes the
 * scaler, then log1p. Capping cannot be undone and is not.
 */
export function toOriginalUnits(scaled: Matrix, scaler: FittedScaler, log1p?: Uint8Array): Matrix {
  const out = inverseScaler(scaled, scaler);
  if (log1p) {
    const { n, d, data } = out;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) if (log1p[j]) data[i * d + j] = Math.expm1(data[i * d + j]!);
  }
  return out;
}
