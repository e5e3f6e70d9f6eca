import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { symmetricEigen } from "./eigen.js";

export interface PcaResult {
  /** n x components projection of the centred data. */
  readonly scores: Matrix;
  /** components x d, unit rows (principal axes). */
  readonly components: Float64Array;
  readonly mean: Float64Array;
  /** Variance along each component (divided by n - 1, as scikit-learn). */
  readonly explainedVariance: Float64Array;
  readonly explainedVarianceRatio: Float64Array;
  readonly nComponents: number;
}

/**
 * Principal component analysis through the d x d covariance matrix (d is small next to n, so
 * one pass over the rows plus a Jacobi eigen-decomposition beats an SVD of the data).
 * Signs follow scikit-learn's svd_flip: in every component, the score largest in absolute
 * value is positive, so the maps match sklearn's exactly.
 */
export function pca(x: Matrix, components = 2): PcaResult {
  const { n, d, data } = x;
  const k = Math.min(components, d);
  if (!Number.isInteger(components) || components < 1) {
    throw new CoreInputError(`components must be a positive integer, got ${components}`, {
      field: "components",
    });
  }
  if (n < 2) throw new CoreInputError(`PCA needs at least 2 rows, got ${n}`, { field: "n" });
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      for (let b = a; b < d; b++) cov[a * d + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const c = cov[a * d + b]! / (n - 1);
      cov[a * d + b] = c;
      cov[b * d + a] = c;
    }
  }
  const { values, vectors } = symmetricEigen(cov, d);
  let total = 0;
  for (let j = 0; j < d; j++) total += Math.max(0, values[j]!);
  const componentsOut = vectors.slice(0, k * d);
  const scores = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (data[i * d + j]! - mean[j]!) * componentsOut[c * d + j]!;
      scores[i * k + c] = s;
    }
  }
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let i = 0; i < n; i++) if (Math.abs(scores[i * k + c]!) > Math.abs(best)) best = scores[i * k + c]!;
    if (best < 0) {
      for (let i = 0; i < n; i++) scores[i * k + c] = -scores[i * k + c]!;
      for (let j = 0; j < d; j++) componentsOut[c * d + j] = -componentsOut[c * d + j]!;
    }
  }
  const explainedVariance = Float64Array.from(values.subarray(0, k), (v) => Math.max(0, v));
  const explainedVarianceRatio = Float64Array.from(explainedVariance, (v) => (total > 0 ? v / total : 0));
  return {
    scores: { data: scores, n, d: k },
    components: componentsOut,
    mean,
    explainedVariance,
    explainedVarianceRatio,
    nComponents: k,
  };
}

/** Projects new rows onto fitted principal axes. */
export function pcaTransform(
  model: Pick<PcaResult, "components" | "mean" | "nComponents">,
  x: Matrix,
): Matrix {
  const { n, d, data } = x;
  const k = model.nComponents;
  if (model.mean.length !== d) {
    throw new CoreInputError(`PCA was fitted on ${model.mean.length} columns, got ${d}`, { field: "d" });
  }
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (data[i * d + j]! - model.mean[j]!) * model.components[c * d + j]!;
      out[i * k + c] = s;
    }
  }
  return { data: out, n, d: k };
}
