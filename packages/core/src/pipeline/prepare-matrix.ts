import type { Matrix } from "../matrix/matrix.js";
import { findOutliers } from "../preprocess/outliers.js";
import { fitScaler, transformScaler } from "../preprocess/scaler.js";
import { selectKth } from "../preprocess/select.js";
import { applyTransforms, type ColumnTransform, chooseTransforms } from "../preprocess/shape.js";
import { pickRows } from "./shared.js";
import { type SegmentationInput, SegmentationInputError } from "./types.js";

export interface PreparedMatrix {
  /** Every clustered row, transformed and scaled. */
  x: Matrix;
  /** The rows the segments are fitted on: `x` without the outliers set aside. */
  fitX: Matrix;
  /** Row of `x` for each row of `fitX`. */
  fitRows: Int32Array;
  /** The same rows in the features' own units (missing values filled), for profiles and centres. */
  original: Matrix;
  rows: Int32Array;
  features: string[];
  dropped: Array<{ feature: string; reason: string }>;
  transforms: ColumnTransform[];
  /** Per kept feature, the median that fills a missing value (and the model's fill value). */
  fill: Float64Array;
  outliers: { mask: Uint8Array; count: number; score: Float64Array; feature: Int32Array; threshold: number };
  scaler: { kind: string; center: Float64Array; scale: Float64Array };
  valuesImputed: number;
}

/**
 * The median of values[0 .. length) as sorting gives it (the middle value, or the mean of the two
 * middle ones), by selection (preprocess/select.ts) in linear time. Reorders the values.
 */
function median(values: Float64Array, length: number): number {
  if (length === 0) return Number.NaN;
  const mid = length >> 1;
  if (length % 2) return selectKth(values, mid, length);
  const below = selectKth(values, mid - 1, length);
  let above = values[mid]!;
  for (let i = mid + 1; i < length; i++) if (values[i]! < above) above = values[i]!;
  return (below + above) / 2;
}

function allFinite(data: Float64Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return false;
  return true;
}

/** Missing values, constant features, scaling; every refusal is a sentence for the user. */
export function prepareMatrix(input: SegmentationInput): PreparedMatrix {
  const { data, n, d, features, options: config } = input;
  if (n === 0) {
    throw new SegmentationInputError(
      "There are no customers with features in this workspace yet: import customers or order lines first.",
    );
  }
  const dropped: Array<{ feature: string; reason: string }> = [];
  const keptColumns: number[] = [];
  const medians = new Float64Array(d);
  const present = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    let count = 0;
    let isConstant = true;
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j]!;
      if (!Number.isFinite(v)) continue;
      if (count > 0 && v !== present[0]) isConstant = false;
      present[count++] = v;
    }
    if (count === 0) {
      dropped.push({ feature: features[j]!, reason: "no customer has a value" });
      continue;
    }
    const first = present[0]!;
    if (isConstant) {
      dropped.push({ feature: features[j]!, reason: `every customer has the same value (${first})` });
      continue;
    }
    medians[j] = median(present, count);
    keptColumns.push(j);
  }
  if (keptColumns.length === 0) {
    const names = features.join(", ");
    throw new SegmentationInputError(
      `Every selected feature (${names}) has the same value for all customers or no value at all, so there is nothing to tell customers apart by. Choose other features.`,
    );
  }
  const dk = keptColumns.length;
  const keepRow = new Uint8Array(n).fill(1);
  let valuesImputed = 0;
  if (config.missing === "drop") {
    for (let i = 0; i < n; i++) {
      for (const j of keptColumns) if (!Number.isFinite(data[i * d + j]!)) keepRow[i] = 0;
    }
  }
  let m = 0;
  for (let i = 0; i < n; i++) m += keepRow[i]!;
  const rows = new Int32Array(m);
  // Every row and column kept and no value missing: the input already is the matrix in the
  // features' units, and nothing downstream writes to it, so it is used as it is rather than
  // copied (on 1M x 8, 64 MB less at the command's peak).
  const isInputAsIs = m === n && dk === d && allFinite(data);
  const raw = isInputAsIs ? data : new Float64Array(m * dk);
  let r = 0;
  for (let i = 0; i < n; i++) {
    if (!keepRow[i]) continue;
    rows[r] = i;
    if (isInputAsIs) {
      r++;
      continue;
    }
    for (let c = 0; c < dk; c++) {
      const j = keptColumns[c]!;
      let v = data[i * d + j]!;
      if (!Number.isFinite(v)) {
        v = medians[j]!;
        valuesImputed++;
      }
      raw[r * dk + c] = v;
    }
    r++;
  }
  const original: Matrix = { data: raw, n: m, d: dk };
  // Skewed features are reshaped first (log or Yeo-Johnson), then the customers still extreme on
  // some feature are set aside while fitting so that no segment is spent on a handful of them.
  // DBSCAN finds its own noise, so it sees everyone.
  const transforms = transformsFor(
    original,
    keptColumns.map((j) => features[j]!),
    config.transform,
  );
  const shaped = transforms.some((t) => t.kind !== "none") ? applyTransforms(original, transforms) : original;
  const setsAside = config.outliers === "set-aside" && config.algorithm !== "dbscan";
  const outliers = setsAside
    ? findOutliers(shaped, { maxShare: OUTLIER_MAX_SHARE })
    : {
        mask: new Uint8Array(m),
        count: 0,
        score: new Float64Array(m),
        feature: new Int32Array(m).fill(-1),
        threshold: 0,
      };
  const fitRows = new Int32Array(m - outliers.count);
  for (let i = 0, f = 0; i < m; i++) if (!outliers.mask[i]) fitRows[f++] = i;
  // The scale is learnt on the customers the segments are fitted on, so outliers do not stretch it.
  // Scaler "none" learns nothing and (v - 0) / 1 is v: no copy for it to learn from or to return.
  const isUnscaled = config.scaler === "none";
  const scaler = fitScaler(isUnscaled ? shaped : pickRows(shaped, fitRows), config.scaler);
  const x = isUnscaled ? shaped : transformScaler(shaped, scaler);
  return {
    x,
    fitX: outliers.count > 0 ? pickRows(x, fitRows) : x,
    fitRows,
    original,
    rows,
    features: keptColumns.map((j) => features[j]!),
    dropped,
    transforms,
    fill: Float64Array.from(keptColumns, (j) => medians[j]!),
    outliers,
    scaler,
    valuesImputed,
  };
}

/** The transform of each kept feature: chosen by skew ("auto"), none, or log(1 + x) of the named ones. */
function transformsFor(
  original: Matrix,
  names: string[],
  option: SegmentationInput["options"]["transform"],
): ColumnTransform[] {
  if (option === "auto") return chooseTransforms(original);
  const none = (): ColumnTransform => ({ kind: "none", skewBefore: 0, skewAfter: 0 });
  if (option === "none") return names.map(none);
  return names.map((name, j) => {
    if (!option.log1p.includes(name)) return none();
    for (let i = 0; i < original.n; i++) {
      const v = original.data[i * original.d + j]!;
      if (v <= -1) {
        throw new SegmentationInputError(
          `${name} has ${v} on row ${i + 1}: log(1 + x) needs values above -1. Leave it out of the log transform.`,
        );
      }
    }
    return { kind: "log1p", skewBefore: 0, skewAfter: 0 };
  });
}

/** At most this share of customers is set aside as outliers while fitting. */
export const OUTLIER_MAX_SHARE = 0.02;
