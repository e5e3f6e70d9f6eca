import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";

export type ScalerKind = "zscore" | "robust" | "minmax" | "none";
export const SCALER_KINDS: ReadonlyArray<ScalerKind> = ["zscore", "robust", "minmax", "none"];

/**
 * Every scaler here is affine per column, z = (x - center) / scale, so one shape covers all
 * four, serialises to JSON and inverts exactly (centroids shown in original units).
 */
export interface FittedScaler {
  readonly kind: ScalerKind;
  readonly center: Float64Array;
  readonly scale: Float64Array;
}

/** Quantile with linear interpolation between order statistics (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * frac;
}

function column(x: Matrix, j: number): Float64Array {
  const out = new Float64Array(x.n);
  for (let i = 0; i < x.n; i++) out[i] = x.data[i * x.d + j]!;
  return out;
}

/**
 * Learns a scaler's parameters from the columns of x. zscore: mean and population standard
 * deviation (as scikit-learn's StandardScaler); robust: median and interquartile range
 * (RobustScaler); minmax: minimum and range (MinMaxScaler). A column with no spread keeps
 * scale 1 so it maps to 0 rather than to NaN.
 */
export function fitScaler(x: Matrix, kind: ScalerKind = "zscore"): FittedScaler {
  if (!SCALER_KINDS.includes(kind)) {
    throw new CoreInputError(`unknown scaler "${kind}", expected one of ${SCALER_KINDS.join(", ")}`, {
      field: "scale",
    });
  }
  const { n, d, data } = x;
  const center = new Float64Array(d);
  const scale = new Float64Array(d).fill(1);
  if (kind === "none" || n === 0) return { kind, center, scale };
  if (kind === "zscore") {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) center[j]! += data[i * d + j]!;
    for (let j = 0; j < d; j++) center[j]! /= n;
    const sq = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const diff = data[i * d + j]! - center[j]!;
        sq[j]! += diff * diff;
      }
    }
    for (let j = 0; j < d; j++) {
      const sd = Math.sqrt(sq[j]! / n);
      scale[j] = sd > 0 ? sd : 1;
    }
  } else if (kind === "robust") {
    for (let j = 0; j < d; j++) {
      const sorted = column(x, j).sort();
      center[j] = quantileSorted(sorted, 0.5);
      const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
      scale[j] = iqr > 0 ? iqr : 1;
    }
  } else {
    for (let j = 0; j < d; j++) {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const v = data[i * d + j]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      center[j] = min;
      scale[j] = max > min ? max - min : 1;
    }
  }
  return { kind, center, scale };
}

function checkWidth(x: Matrix, scaler: FittedScaler): void {
  if (x.d !== scaler.center.length) {
    throw new CoreInputError(`scaler was fitted on ${scaler.center.length} columns, got ${x.d}`, {
      field: "d",
    });
  }
}

/** Applies a fitted scaler; returns a new matrix. */
export function transformScaler(x: Matrix, scaler: FittedScaler): Matrix {
  checkWidth(x, scaler);
  const { n, d, data } = x;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = (data[i * d + j]! - scaler.center[j]!) / scaler.scale[j]!;
  }
  return { data: out, n, d };
}

/** Maps scaled values (for example centroids) back to the units the scaler was fitted on. */
export function inverseScaler(x: Matrix, scaler: FittedScaler): Matrix {
  checkWidth(x, scaler);
  const { n, d, data } = x;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * d + j] = data[i * d + j]! * scaler.scale[j]! + scaler.center[j]!;
  }
  return { data: out, n, d };
}

/** Fits a scaler and applies it in one step. */
export function fitTransformScaler(
  x: Matrix,
  kind: ScalerKind = "zscore",
): { x: Matrix; scaler: FittedScaler } {
  const scaler = fitScaler(x, kind);
  return { x: transformScaler(x, scaler), scaler };
}
