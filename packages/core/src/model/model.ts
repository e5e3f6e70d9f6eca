import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { type FittedScaler, SCALER_KINDS, type ScalerKind } from "../preprocess/scaler.js";
import { type ColumnTransform, yeoJohnson } from "../preprocess/shape.js";

export const MODEL_VERSION = 1;

interface ModelBase {
  readonly version: typeof MODEL_VERSION;
  /** Algorithm that produced the segments (kmeans, dbscan, gmm, ...). */
  readonly algorithm: string;
  /** Input columns, in order, in original units. */
  readonly features: string[];
  /** 1 where log1p is applied before scaling. */
  readonly log1p: number[];
  readonly scaler: { readonly kind: ScalerKind; readonly center: number[]; readonly scale: number[] };
  readonly segmentNames?: string[];
  /**
   * Per feature, Yeo-Johnson's power where the run reshaped it that way (null elsewhere), applied
   * after log1p's column flags and before scaling. Absent on models from before reshaping.
   */
  readonly yeoJohnson?: Array<number | null>;
  /** Per feature, the value a missing one takes (the training median). Absent: missing is an error. */
  readonly fill?: number[];
}

/** Nearest-centroid model (k-means, mini-batch, and the cluster means of DBSCAN/hierarchical). */
export interface CentroidModel extends ModelBase {
  readonly kind: "centroids";
  /** k rows of d values in the scaled space. */
  readonly centroids: number[][];
}

/** Gaussian mixture in the scaled space. */
export interface MixtureModel extends ModelBase {
  readonly kind: "mixture";
  readonly covariance: "full" | "diag";
  readonly weights: number[];
  readonly means: number[][];
  /** Per component: d*d values row-major (full) or d variances (diag). */
  readonly covariances: number[][];
}

export type SegmentModel = CentroidModel | MixtureModel;

export interface ModelInput {
  readonly algorithm: string;
  readonly features: ReadonlyArray<string>;
  readonly scaler: FittedScaler;
  readonly log1p?: ArrayLike<number>;
  readonly segmentNames?: ReadonlyArray<string>;
  /** The run's per-feature transforms: log1p ones become `log1p` flags, Yeo-Johnson ones `yeoJohnson`. */
  readonly transforms?: ReadonlyArray<ColumnTransform>;
  readonly fill?: ArrayLike<number>;
}

function rows(flat: ArrayLike<number>, k: number, width: number): number[][] {
  return Array.from({ length: k }, (_, c) => Array.from({ length: width }, (_, j) => flat[c * width + j]!));
}

function base(input: ModelInput): ModelBase {
  const d = input.features.length;
  const transforms = input.transforms;
  const log1p = transforms
    ? transforms.map((t) => (t.kind === "log1p" ? 1 : 0))
    : input.log1p
      ? Array.from(input.log1p, (v) => (v ? 1 : 0))
      : new Array<number>(d).fill(0);
  const powers = transforms?.map((t) => (t.kind === "yeo-johnson" ? (t.lambda ?? 0) : null));
  return {
    version: MODEL_VERSION,
    algorithm: input.algorithm,
    features: [...input.features],
    log1p,
    ...(powers?.some((p) => p !== null) ? { yeoJohnson: powers } : {}),
    ...(input.fill ? { fill: Array.from(input.fill) } : {}),
    scaler: {
      kind: input.scaler.kind,
      center: Array.from(input.scaler.center),
      scale: Array.from(input.scaler.scale),
    },
    ...(input.segmentNames ? { segmentNames: [...input.segmentNames] } : {}),
  };
}

/** A nearest-centroid model from centroids (k x d row-major) in the scaled space. */
export function createCentroidModel(
  input: ModelInput & { centroids: Float64Array; k: number },
): CentroidModel {
  const model: CentroidModel = {
    ...base(input),
    kind: "centroids",
    centroids: rows(input.centroids, input.k, input.features.length),
  };
  return parseModel(model) as CentroidModel;
}

/** A mixture model from a Gaussian mixture fit (means k x d, covariances k x d x d or k x d). */
export function createMixtureModel(
  input: ModelInput & {
    weights: ArrayLike<number>;
    means: Float64Array;
    covariances: Float64Array;
    covariance: "full" | "diag";
  },
): MixtureModel {
  const d = input.features.length;
  const k = input.weights.length;
  const model: MixtureModel = {
    ...base(input),
    kind: "mixture",
    covariance: input.covariance,
    weights: Array.from(input.weights),
    means: rows(input.means, k, d),
    covariances: rows(input.covariances, k, input.covariance === "full" ? d * d : d),
  };
  return parseModel(model) as MixtureModel;
}

/** The model as JSON text (plain arrays, so it stores in a jsonb column or a file). */
export function modelToJson(model: SegmentModel): string {
  return JSON.stringify(model);
}

function fail(field: string, message: string): never {
  throw new CoreInputError(`invalid segment model: ${message}`, { field });
}

function numberRows(value: unknown, field: string, k: number | undefined, width: number): number[][] {
  if (!Array.isArray(value) || (k !== undefined && value.length !== k)) {
    fail(field, `${field} must be an array of ${k ?? "k"} rows`);
  }
  value.forEach((row, c) => {
    if (
      !Array.isArray(row) ||
      row.length !== width ||
      !row.every((v) => typeof v === "number" && Number.isFinite(v))
    ) {
      fail(field, `${field}[${c}] must be ${width} finite numbers`);
    }
  });
  return value as number[][];
}

/** Reads and checks a model (JSON text or an already parsed object); throws CoreInputError naming the field. */
export function parseModel(input: unknown): SegmentModel {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      fail("json", (error as Error).message);
    }
  }
  if (typeof value !== "object" || value === null) fail("model", "expected an object");
  const m = value as Record<string, unknown>;
  if (m.version !== MODEL_VERSION)
    fail("version", `unsupported version ${String(m.version)}, expected ${MODEL_VERSION}`);
  if (
    !Array.isArray(m.features) ||
    !m.features.every((f) => typeof f === "string") ||
    m.features.length === 0
  ) {
    fail("features", "features must be a non-empty array of names");
  }
  const d = m.features.length;
  numberRows([m.log1p], "log1p", 1, d);
  if (
    m.yeoJohnson !== undefined &&
    (!Array.isArray(m.yeoJohnson) ||
      m.yeoJohnson.length !== d ||
      !m.yeoJohnson.every((v) => v === null || (typeof v === "number" && Number.isFinite(v))))
  ) {
    fail("yeoJohnson", `yeoJohnson must be ${d} powers or nulls`);
  }
  if (m.fill !== undefined) numberRows([m.fill], "fill", 1, d);
  const scaler = m.scaler as Record<string, unknown> | undefined;
  if (!scaler || !SCALER_KINDS.includes(scaler.kind as ScalerKind))
    fail("scaler", "scaler.kind is missing or unknown");
  numberRows([scaler.center, scaler.scale], "scaler", 2, d);
  if ((scaler.scale as number[]).some((s) => s === 0)) fail("scaler", "scaler.scale must not contain 0");
  if (m.kind === "centroids") {
    numberRows(m.centroids, "centroids", undefined, d);
    if ((m.centroids as unknown[]).length === 0) fail("centroids", "at least one centroid is needed");
  } else if (m.kind === "mixture") {
    if (m.covariance !== "full" && m.covariance !== "diag")
      fail("covariance", "covariance must be full or diag");
    if (
      !Array.isArray(m.weights) ||
      m.weights.length === 0 ||
      !m.weights.every((w) => typeof w === "number" && w > 0)
    ) {
      fail("weights", "weights must be positive numbers");
    }
    const k = m.weights.length;
    numberRows(m.means, "means", k, d);
    numberRows(m.covariances, "covariances", k, m.covariance === "full" ? d * d : d);
  } else {
    fail("kind", `unknown kind ${String(m.kind)}`);
  }
  if (
    m.segmentNames !== undefined &&
    (!Array.isArray(m.segmentNames) || !m.segmentNames.every((s) => typeof s === "string"))
  ) {
    fail("segmentNames", "segmentNames must be strings");
  }
  return m as unknown as SegmentModel;
}

export interface Assignment {
  readonly labels: Int32Array;
  /** Centroid models: Euclidean distance to the nearest centroid in the scaled space. Mixtures: Mahalanobis distance to the chosen component. */
  readonly distances: Float64Array;
  /** Centroid models: 1 - nearest / second-nearest distance (0 on the boundary, 1 on the centroid). Mixtures: the posterior probability. */
  readonly confidence: Float64Array;
}

function scaleRows(model: SegmentModel, x: Matrix): Float64Array {
  const d = model.features.length;
  if (x.d !== d) {
    throw new CoreInputError(`model expects ${d} columns (${model.features.join(", ")}), got ${x.d}`, {
      field: "d",
    });
  }
  const out = new Float64Array(x.n * d);
  for (let i = 0; i < x.n; i++) {
    for (let j = 0; j < d; j++) {
      let v = x.data[i * d + j]!;
      if (Number.isNaN(v) && model.fill) v = model.fill[j]!;
      if (model.log1p[j]) v = Math.log1p(v);
      const power = model.yeoJohnson?.[j];
      if (power !== undefined && power !== null) v = yeoJohnson(v, power);
      if (!Number.isFinite(v)) {
        throw new CoreInputError(
          `row ${i}, ${model.features[j]}: ${x.data[i * d + j]} is not a usable value${model.log1p[j] ? " (log1p needs values above -1)" : ""}`,
          { row: i, column: j, field: model.features[j]! },
        );
      }
      out[i * d + j] = (v - model.scaler.center[j]!) / model.scaler.scale[j]!;
    }
  }
  return out;
}

/** Lower Cholesky factor of a symmetric positive definite d x d matrix (row-major). */
function cholesky(a: ArrayLike<number>, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let p = 0; p < j; p++) s -= l[i * d + p]! * l[j * d + p]!;
      if (i === j) {
        if (!(s > 0))
          throw new CoreInputError("mixture covariance is not positive definite", { field: "covariances" });
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j]!;
      }
    }
  }
  return l;
}

/**
 * Assigns rows given in original units (columns in `model.features` order) to segments:
 * fills missing values (when the model has fill values), applies the model's log1p or
 * Yeo-Johnson and scaler, then the nearest centroid or the most probable mixture component.
 */
export function assign(model: SegmentModel, x: Matrix): Assignment {
  const z = scaleRows(model, x);
  const d = model.features.length;
  const n = x.n;
  const labels = new Int32Array(n);
  const distances = new Float64Array(n);
  const confidence = new Float64Array(n);
  if (model.kind === "centroids") {
    const k = model.centroids.length;
    const c = Float64Array.from(model.centroids.flat());
    for (let i = 0; i < n; i++) {
      let best = Number.POSITIVE_INFINITY;
      let second = Number.POSITIVE_INFINITY;
      let label = 0;
      for (let s = 0; s < k; s++) {
        let dist = 0;
        for (let j = 0; j < d; j++) {
          const diff = z[i * d + j]! - c[s * d + j]!;
          dist += diff * diff;
        }
        if (dist < best) {
          second = best;
          best = dist;
          label = s;
        } else if (dist < second) {
          second = dist;
        }
      }
      labels[i] = label;
      distances[i] = Math.sqrt(best);
      confidence[i] = k === 1 || second === 0 ? 1 : 1 - Math.sqrt(best) / Math.sqrt(second);
    }
    return { labels, distances, confidence };
  }
  const k = model.weights.length;
  const weightSum = model.weights.reduce((a, b) => a + b, 0);
  // Precompute each component's Cholesky factor (or variances) and log-normaliser.
  const factors = model.covariances.map((cov) =>
    model.covariance === "full" ? cholesky(cov, d) : Float64Array.from(cov, (v) => Math.sqrt(v)),
  );
  const logNorm = factors.map((f, s) => {
    let logDet = 0;
    for (let j = 0; j < d; j++) logDet += Math.log(model.covariance === "full" ? f[j * d + j]! : f[j]!);
    return Math.log(model.weights[s]! / weightSum) - logDet - (d / 2) * Math.log(2 * Math.PI);
  });
  const logp = new Float64Array(k);
  const maha = new Float64Array(k);
  const y = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let s = 0; s < k; s++) {
      const mean = model.means[s]!;
      const f = factors[s]!;
      let q = 0;
      if (model.covariance === "full") {
        // Solve L y = (x - mean) by forward substitution; q = |y|^2.
        for (let a = 0; a < d; a++) {
          let v = z[i * d + a]! - mean[a]!;
          for (let b = 0; b < a; b++) v -= f[a * d + b]! * y[b]!;
          y[a] = v / f[a * d + a]!;
          q += y[a]! * y[a]!;
        }
      } else {
        for (let a = 0; a < d; a++) {
          const v = (z[i * d + a]! - mean[a]!) / f[a]!;
          q += v * v;
        }
      }
      maha[s] = Math.sqrt(q);
      logp[s] = logNorm[s]! - q / 2;
      if (logp[s]! > max) {
        max = logp[s]!;
        labels[i] = s;
      }
    }
    let sum = 0;
    for (let s = 0; s < k; s++) sum += Math.exp(logp[s]! - max);
    confidence[i] = 1 / sum;
    distances[i] = maha[labels[i]!]!;
  }
  return { labels, distances, confidence };
}

/** Assigns records keyed by feature name; a missing or non-numeric field throws naming the record and field. */
export function assignRecords(
  model: SegmentModel,
  records: ReadonlyArray<Readonly<Record<string, unknown>>>,
): Assignment {
  const d = model.features.length;
  const data = new Float64Array(records.length * d);
  records.forEach((record, i) => {
    model.features.forEach((feature, j) => {
      const v = record[feature];
      const num =
        typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
      if (!Number.isFinite(num)) {
        throw new CoreInputError(
          `record ${i}: "${feature}" is ${v === undefined ? "missing" : `not a number (${String(v)})`}`,
          {
            row: i,
            field: feature,
          },
        );
      }
      data[i * d + j] = num;
    });
  });
  return assign(model, { data, n: records.length, d });
}
