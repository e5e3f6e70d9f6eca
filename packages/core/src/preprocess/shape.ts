import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { skewness } from "./skewness.js";

/**
 * How a column is reshaped before scaling. Real customer features (spend, order counts, days
 * between orders) are right-skewed: a few large customers stretch a z-score so far that every
 * distance is about them, and clustering peels them off as tiny segments while everyone else
 * lands in one. Taking the log of such a column (or, with negative values, a Yeo-Johnson power)
 * gives the bulk of the customers room again.
 */
export type ColumnTransformKind = "none" | "log1p" | "yeo-johnson";

export interface ColumnTransform {
  readonly kind: ColumnTransformKind;
  /** Yeo-Johnson's power (only for "yeo-johnson"). */
  readonly lambda?: number;
  /** Sample skewness before and after the transform. */
  readonly skewBefore: number;
  readonly skewAfter: number;
}

export interface ChooseTransformsOptions {
  /** Columns with |skewness| above this are reshaped. Default 1 (a usual cut for "strongly skewed"). */
  readonly skewThreshold?: number;
}

/** Yeo-Johnson (2000): a Box-Cox power that also takes zero and negative values. */
export function yeoJohnson(v: number, lambda: number): number {
  if (v >= 0) {
    return Math.abs(lambda) < 1e-9 ? Math.log1p(v) : ((v + 1) ** lambda - 1) / lambda;
  }
  return Math.abs(lambda - 2) < 1e-9 ? -Math.log1p(-v) : -((1 - v) ** (2 - lambda) - 1) / (2 - lambda);
}

/** Profile log-likelihood of Yeo-Johnson's lambda under normality (the criterion scikit-learn maximises). */
function yeoJohnsonLogLikelihood(values: Float64Array, lambda: number): number {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yeoJohnson(values[i]!, lambda);
  mean /= n;
  let variance = 0;
  let jacobian = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const t = yeoJohnson(v, lambda) - mean;
    variance += t * t;
    jacobian += Math.sign(v) * Math.log1p(Math.abs(v));
  }
  variance /= n;
  if (!(variance > 0)) return Number.NEGATIVE_INFINITY;
  return (-n / 2) * Math.log(variance) + (lambda - 1) * jacobian;
}

/** Maximum-likelihood lambda in [-3, 3] by golden-section search (the likelihood is unimodal in lambda). */
export function fitYeoJohnsonLambda(values: Float64Array): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let lo = -3;
  let hi = 3;
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = yeoJohnsonLogLikelihood(values, a);
  let fb = yeoJohnsonLogLikelihood(values, b);
  for (let i = 0; i < 60 && hi - lo > 1e-4; i++) {
    if (fa < fb) {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = yeoJohnsonLogLikelihood(values, b);
    } else {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = yeoJohnsonLogLikelihood(values, a);
    }
  }
  return (lo + hi) / 2;
}

function column(x: Matrix, j: number): Float64Array {
  const out = new Float64Array(x.n);
  for (let i = 0; i < x.n; i++) out[i] = x.data[i * x.d + j]!;
  return out;
}

function applyOne(v: number, t: ColumnTransform): number {
  if (t.kind === "log1p") return Math.log1p(v);
  if (t.kind === "yeo-johnson") return yeoJohnson(v, t.lambda ?? 0);
  return v;
}

/**
 * Picks a transform per column of a complete matrix (no NaN): strongly skewed columns with no
 * negative value take log(1 + x), which keeps zero at zero and reads as "orders of magnitude";
 * other strongly skewed columns take Yeo-Johnson with its maximum-likelihood power. A transform
 * is kept only when it lowers |skewness|.
 */
export function chooseTransforms(x: Matrix, options: ChooseTransformsOptions = {}): ColumnTransform[] {
  const threshold = options.skewThreshold ?? 1;
  if (!(threshold >= 0)) {
    throw new CoreInputError(`skewThreshold must be a non-negative number, got ${threshold}`, {
      field: "skewThreshold",
    });
  }
  const out: ColumnTransform[] = [];
  for (let j = 0; j < x.d; j++) {
    const values = column(x, j);
    const before = skewness(values);
    const none: ColumnTransform = { kind: "none", skewBefore: before, skewAfter: before };
    if (!(Math.abs(before) > threshold)) {
      out.push(none);
      continue;
    }
    let min = Number.POSITIVE_INFINITY;
    for (const v of values) if (v < min) min = v;
    const candidate: ColumnTransform =
      min >= 0
        ? { kind: "log1p", skewBefore: before, skewAfter: 0 }
        : { kind: "yeo-johnson", lambda: fitYeoJohnsonLambda(values), skewBefore: before, skewAfter: 0 };
    const after = skewness(values.map((v) => applyOne(v, candidate)));
    out.push(Math.abs(after) < Math.abs(before) ? { ...candidate, skewAfter: after } : none);
  }
  return out;
}

/** A new matrix with each column's transform applied. */
export function applyTransforms(x: Matrix, transforms: ReadonlyArray<ColumnTransform>): Matrix {
  if (transforms.length !== x.d) {
    throw new CoreInputError(`expected ${x.d} transforms, got ${transforms.length}`, { field: "transforms" });
  }
  const data = new Float64Array(x.n * x.d);
  for (let i = 0; i < x.n; i++) {
    for (let j = 0; j < x.d; j++) data[i * x.d + j] = applyOne(x.data[i * x.d + j]!, transforms[j]!);
  }
  return { data, n: x.n, d: x.d };
}

/** A short label for the UI and the CLI: "log(1 + x)", "Yeo-Johnson (λ = 0.31)" or "none". */
export function describeTransform(t: ColumnTransform): string {
  if (t.kind === "log1p") return "log(1 + x)";
  if (t.kind === "yeo-johnson") return `Yeo-Johnson (λ = ${(t.lambda ?? 0).toFixed(2)})`;
  return "none";
}
