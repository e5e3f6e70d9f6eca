import { CancelledError, CoreInputError } from "../../errors.js";
import { assertFinite, type Matrix } from "../../matrix/matrix.js";
import { deriveSeed } from "../../random/index.js";
import { kmeans } from "../kmeans/index.js";

export type CovarianceType = "full" | "diag";

export interface GaussianMixtureOptions {
  /** "full" (one d x d covariance per component) or "diag" (per-column variances). Default "full". */
  covariance?: CovarianceType;
  /** Seed of the k-means initialisations. Default 0. */
  seed?: number;
  /** Initialisations; the fit with the best log-likelihood wins. Default 1. */
  nInit?: number;
  /** EM iterations per initialisation. Default 100. */
  maxIter?: number;
  /** Stop when the mean log-likelihood per row improves by less than this. Default 1e-3. */
  tol?: number;
  /** Added to every variance so covariances stay invertible. Default 1e-6. */
  regCovar?: number;
  onProgress?: (stage: string, fraction: number) => boolean | undefined;
}

/** A fitted mixture: enough to score or assign new rows (see `gaussianMixturePredict`). */
export interface GaussianMixtureModel {
  k: number;
  d: number;
  covariance: CovarianceType;
  /** k mixing weights summing to 1. */
  weights: Float64Array;
  /** k * d row-major. */
  means: Float64Array;
  /** "full": k * d * d (component, row, column); "diag": k * d variances. */
  covariances: Float64Array;
}

export interface GaussianMixtureResult extends GaussianMixtureModel {
  /** Most probable component of each row. */
  labels: Int32Array;
  /** Soft memberships: n * k, each row sums to 1. */
  probabilities: Float64Array;
  /** Total log-likelihood of the rows under the model (natural log). */
  logLikelihood: number;
  /** -2 logLikelihood + parameters * ln n. Lower is better. */
  bic: number;
  /** -2 logLikelihood + 2 parameters. Lower is better. */
  aic: number;
  iterations: number;
  converged: boolean;
}

const LOG_2PI = Math.log(2 * Math.PI);
// scikit-learn adds 10 machine epsilons to every component's weight so an empty one cannot divide by zero.
const EMPTY_GUARD = 10 * Number.EPSILON;

/**
 * Gaussian mixture fitted by expectation-maximisation, following scikit-learn's
 * GaussianMixture: components initialised from a k-means clustering (one run per nInit,
 * seeded), covariances regularised by regCovar, stopping on the change of the mean
 * log-likelihood, and a final E-step so labels agree with the returned parameters.
 * Densities are evaluated through Cholesky factors in log space.
 */
export function gaussianMixture(
  x: Matrix,
  k: number,
  options: GaussianMixtureOptions = {},
): GaussianMixtureResult {
  const { n, d } = x;
  const covariance = options.covariance ?? "full";
  const nInit = options.nInit ?? 1;
  const maxIter = options.maxIter ?? 100;
  const tol = options.tol ?? 1e-3;
  const regCovar = options.regCovar ?? 1e-6;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(k) || k < 1)
    throw new CoreInputError(`k must be a positive integer, got ${k}`, { field: "k" });
  if (n < k) throw new CoreInputError(`need at least k = ${k} rows, got ${n}`, { field: "k" });
  if (d < 1) throw new CoreInputError("gaussian mixture needs at least one column", { field: "d" });
  if (covariance !== "full" && covariance !== "diag") {
    throw new CoreInputError(`covariance must be "full" or "diag", got ${covariance}`, {
      field: "covariance",
    });
  }
  if (!Number.isInteger(nInit) || nInit < 1) {
    throw new CoreInputError(`nInit must be a positive integer, got ${nInit}`, { field: "nInit" });
  }
  if (!Number.isInteger(maxIter) || maxIter < 1) {
    throw new CoreInputError(`maxIter must be a positive integer, got ${maxIter}`, { field: "maxIter" });
  }
  if (!(tol >= 0)) throw new CoreInputError(`tol must be >= 0, got ${tol}`, { field: "tol" });
  if (!(regCovar >= 0))
    throw new CoreInputError(`regCovar must be >= 0, got ${regCovar}`, { field: "regCovar" });
  assertFinite(x);

  const resp = new Float64Array(n * k);
  const logNorm = new Float64Array(n);
  let best:
    | { model: GaussianMixtureModel; lowerBound: number; iterations: number; converged: boolean }
    | undefined;
  for (let run = 0; run < nInit; run++) {
    // Initial responsibilities: one-hot k-means labels (scikit-learn's init_params="kmeans").
    const init = kmeans(x, k, { nInit: 1, seed: deriveSeed(seed, run) });
    resp.fill(0);
    for (let i = 0; i < n; i++) resp[i * k + init.labels[i]!] = 1;
    let model = mStep(x, resp, k, covariance, regCovar);
    let lowerBound = Number.NEGATIVE_INFINITY;
    let converged = false;
    let iterations = 0;
    for (let iter = 1; iter <= maxIter; iter++) {
      const previous = lowerBound;
      lowerBound = eStep(x, model, resp, logNorm) / n;
      model = mStep(x, resp, k, covariance, regCovar);
      iterations = iter;
      if (
        options.onProgress !== undefined &&
        options.onProgress("gmm", (run + iter / maxIter) / nInit) === false
      ) {
        throw new CancelledError("gmm");
      }
      if (Math.abs(lowerBound - previous) < tol) {
        converged = true;
        break;
      }
    }
    if (best === undefined || lowerBound > best.lowerBound)
      best = { model, lowerBound, iterations, converged };
  }
  const { model, iterations, converged } = best!;
  // Final E-step: labels and memberships that belong to the returned parameters.
  const logLikelihood = eStep(x, model, resp, logNorm);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if (resp[i * k + c]! > resp[i * k + arg]!) arg = c;
    labels[i] = arg;
  }
  const parameters = parameterCount(k, d, covariance);
  return {
    ...model,
    labels,
    probabilities: resp,
    logLikelihood,
    bic: -2 * logLikelihood + parameters * Math.log(n),
    aic: -2 * logLikelihood + 2 * parameters,
    iterations,
    converged,
  };
}

/** Free parameters: means, covariances and k - 1 weights. */
export function parameterCount(k: number, d: number, covariance: CovarianceType): number {
  const perCovariance = covariance === "full" ? (d * (d + 1)) / 2 : d;
  return k * d + k * perCovariance + k - 1;
}

/** Weights, means and (regularised) covariances from responsibilities. */
function mStep(x: Matrix, resp: Float64Array, k: number, covariance: CovarianceType, regCovar: number) {
  const { data, n, d } = x;
  const totals = new Float64Array(k);
  const means = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    const io = i * d;
    for (let c = 0; c < k; c++) {
      const r = resp[i * k + c]!;
      if (r === 0) continue;
      totals[c]! += r;
      const mo = c * d;
      for (let t = 0; t < d; t++) means[mo + t]! += r * data[io + t]!;
    }
  }
  for (let c = 0; c < k; c++) {
    totals[c]! += EMPTY_GUARD;
    const inv = 1 / totals[c]!;
    for (let t = 0; t < d; t++) means[c * d + t]! *= inv;
  }
  const covariances = new Float64Array(covariance === "full" ? k * d * d : k * d);
  const diff = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const io = i * d;
    for (let c = 0; c < k; c++) {
      const r = resp[i * k + c]!;
      if (r === 0) continue;
      const mo = c * d;
      for (let t = 0; t < d; t++) diff[t] = data[io + t]! - means[mo + t]!;
      if (covariance === "full") {
        const co = c * d * d;
        // Lower triangle only; mirrored below.
        for (let a = 0; a < d; a++) {
          const ra = r * diff[a]!;
          const row = co + a * d;
          for (let b = 0; b <= a; b++) covariances[row + b]! += ra * diff[b]!;
        }
      } else {
        for (let t = 0; t < d; t++) covariances[mo + t]! += r * diff[t]! * diff[t]!;
      }
    }
  }
  const weights = new Float64Array(k);
  let weightSum = 0;
  for (let c = 0; c < k; c++) weightSum += totals[c]!;
  for (let c = 0; c < k; c++) {
    weights[c] = totals[c]! / weightSum;
    const inv = 1 / totals[c]!;
    if (covariance === "full") {
      const co = c * d * d;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b <= a; b++) {
          const v = covariances[co + a * d + b]! * inv;
          covariances[co + a * d + b] = v;
          covariances[co + b * d + a] = v;
        }
        covariances[co + a * d + a]! += regCovar;
      }
    } else {
      for (let t = 0; t < d; t++) covariances[c * d + t] = covariances[c * d + t]! * inv + regCovar;
    }
  }
  return { k, d, covariance, weights, means, covariances } satisfies GaussianMixtureModel;
}

/**
 * Per component: the lower Cholesky factor L of its covariance (full) or the standard
 * deviations (diag), and log det(covariance) / 2.
 */
function factorise(model: GaussianMixtureModel): { factors: Float64Array; halfLogDet: Float64Array } {
  const { k, d, covariance, covariances } = model;
  const halfLogDet = new Float64Array(k);
  if (covariance === "diag") {
    const factors = new Float64Array(k * d);
    for (let c = 0; c < k; c++) {
      for (let t = 0; t < d; t++) {
        const v = covariances[c * d + t]!;
        if (!(v > 0)) throw singular(c);
        factors[c * d + t] = Math.sqrt(v);
        halfLogDet[c]! += 0.5 * Math.log(v);
      }
    }
    return { factors, halfLogDet };
  }
  const factors = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) {
    const o = c * d * d;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b <= a; b++) {
        let s = covariances[o + a * d + b]!;
        for (let t = 0; t < b; t++) s -= factors[o + a * d + t]! * factors[o + b * d + t]!;
        if (a === b) {
          if (!(s > 0)) throw singular(c);
          factors[o + a * d + a] = Math.sqrt(s);
          halfLogDet[c]! += Math.log(factors[o + a * d + a]!);
        } else {
          factors[o + a * d + b] = s / factors[o + b * d + b]!;
        }
      }
    }
  }
  return { factors, halfLogDet };
}

function singular(component: number): CoreInputError {
  return new CoreInputError(
    `the covariance of component ${component} is not positive definite (collapsed onto too few distinct rows); ` +
      "raise regCovar, lower k or use covariance: diag",
    { field: "regCovar" },
  );
}

/**
 * Fills `resp` (n * k) with membership probabilities and `logNorm` with each row's log
 * density under the mixture; returns the total log-likelihood.
 */
function eStep(x: Matrix, model: GaussianMixtureModel, resp: Float64Array, logNorm: Float64Array): number {
  const { data, n, d } = x;
  const { k, covariance, weights, means } = model;
  const { factors, halfLogDet } = factorise(model);
  const constant = new Float64Array(k);
  for (let c = 0; c < k; c++) constant[c] = Math.log(weights[c]!) - 0.5 * d * LOG_2PI - halfLogDet[c]!;
  const z = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const io = i * d;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) {
      const mo = c * d;
      let q = 0;
      if (covariance === "diag") {
        for (let t = 0; t < d; t++) {
          const v = (data[io + t]! - means[mo + t]!) / factors[mo + t]!;
          q += v * v;
        }
      } else {
        // Mahalanobis distance: solve L z = x - mean by forward substitution; q = |z|^2.
        const o = c * d * d;
        for (let a = 0; a < d; a++) {
          let s = data[io + a]! - means[mo + a]!;
          const row = o + a * d;
          for (let t = 0; t < a; t++) s -= factors[row + t]! * z[t]!;
          const v = s / factors[row + a]!;
          z[a] = v;
          q += v * v;
        }
      }
      const value = constant[c]! - 0.5 * q;
      resp[i * k + c] = value;
      if (value > max) max = value;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(resp[i * k + c]! - max);
    const norm = max + Math.log(sum);
    logNorm[i] = norm;
    total += norm;
    for (let c = 0; c < k; c++) resp[i * k + c] = Math.exp(resp[i * k + c]! - norm);
  }
  return total;
}

/** Memberships and most probable component of new rows under a fitted mixture. */
export function gaussianMixturePredict(
  model: GaussianMixtureModel,
  x: Matrix,
): { labels: Int32Array; probabilities: Float64Array; logLikelihood: number } {
  if (x.d !== model.d) {
    throw new CoreInputError(`rows have ${x.d} columns, the model expects ${model.d}`, { field: "d" });
  }
  assertFinite(x);
  const { k } = model;
  const probabilities = new Float64Array(x.n * k);
  const logLikelihood = eStep(x, model, probabilities, new Float64Array(x.n));
  const labels = new Int32Array(x.n);
  for (let i = 0; i < x.n; i++) {
    let arg = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + arg]!) arg = c;
    labels[i] = arg;
  }
  return { labels, probabilities, logLikelihood };
}
