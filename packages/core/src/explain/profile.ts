import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { quantileSorted } from "../preprocess/scaler.js";

export interface FeatureDeviation {
  readonly feature: string;
  readonly index: number;
  /**
   * (segment mean - overall mean) / overall standard deviation, measured on the `shaped` matrix
   * when one is given (see profileSegments), else in original units.
   */
  readonly deviation: number;
}

export interface SegmentProfile {
  readonly segment: number;
  readonly size: number;
  readonly share: number;
  readonly mean: Float64Array;
  readonly median: Float64Array;
  readonly deviation: Float64Array;
  /** Features sorted by |deviation|, largest first. */
  readonly top: FeatureDeviation[];
}

export interface SegmentProfiles {
  readonly features: string[];
  readonly overall: { readonly mean: Float64Array; readonly median: Float64Array; readonly sd: Float64Array };
  readonly segments: SegmentProfile[];
  /** Rows labelled -1 (noise), left out of every segment. */
  readonly noise: number;
}

function medians(x: Matrix, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.d);
  const values = new Float64Array(rows.length);
  for (let j = 0; j < x.d; j++) {
    for (let r = 0; r < rows.length; r++) values[r] = x.data[rows[r]! * x.d + j]!;
    out[j] = quantileSorted(values.slice().sort(), 0.5);
  }
  return out;
}

/** (mean of `rows` - mean of `all`) / sd of `all`, per column of x. */
function deviationsOf(x: Matrix, rows: number[], all: number[]): Float64Array {
  const { d, data } = x;
  const mean = new Float64Array(d);
  for (const i of all) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= all.length;
  const sd = new Float64Array(d);
  for (const i of all) for (let j = 0; j < d; j++) sd[j]! += (data[i * d + j]! - mean[j]!) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]! / all.length);
  const own = new Float64Array(d).fill(rows.length ? 0 : Number.NaN);
  for (const i of rows) for (let j = 0; j < d; j++) own[j]! += data[i * d + j]!;
  return Float64Array.from(own, (v, j) =>
    rows.length === 0 ? Number.NaN : sd[j]! > 0 ? (v / rows.length - mean[j]!) / sd[j]! : 0,
  );
}

/**
 * Describes each segment in original units: mean and median of every feature, how far the
 * mean sits from the overall mean in overall standard deviations, and the features that
 * set the segment apart most (top `top`, default 5). Pass `x` in original units.
 *
 * `shaped`, the same rows as the clustering saw them (skewed columns log-transformed), is where
 * deviations are measured when given: on a skewed column the standard deviation in original
 * units is set by a few very large customers, so a segment spending a tenth of the average would
 * read as "average". Means and medians stay in original units.
 */
export function profileSegments(
  x: Matrix,
  labels: Int32Array,
  features: ReadonlyArray<string>,
  options: { top?: number; shaped?: Matrix } = {},
): SegmentProfiles {
  const { n, d, data } = x;
  const shaped = options.shaped ?? x;
  if (shaped.n !== n || shaped.d !== d) {
    throw new CoreInputError(`shaped is ${shaped.n} x ${shaped.d}, expected ${n} x ${d}`, {
      field: "shaped",
    });
  }
  if (labels.length !== n) {
    throw new CoreInputError(`labels has ${labels.length} entries, expected ${n}`, { field: "labels" });
  }
  if (features.length !== d) {
    throw new CoreInputError(`${features.length} feature names for ${d} columns`, { field: "features" });
  }
  let k = 0;
  for (const l of labels) if (l + 1 > k) k = l + 1;
  const all: number[] = [];
  const members: number[][] = Array.from({ length: k }, () => []);
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) {
      noise++;
      continue;
    }
    all.push(i);
    members[l]!.push(i);
  }
  const mean = new Float64Array(d);
  for (const i of all) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= all.length;
  const sd = new Float64Array(d);
  for (const i of all) for (let j = 0; j < d; j++) sd[j]! += (data[i * d + j]! - mean[j]!) ** 2;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]! / all.length);

  const top = options.top ?? 5;
  const segments = members.map((rows, segment) => {
    const m = new Float64Array(d).fill(rows.length ? 0 : Number.NaN);
    for (const i of rows) for (let j = 0; j < d; j++) m[j]! += data[i * d + j]!;
    if (rows.length) for (let j = 0; j < d; j++) m[j]! /= rows.length;
    const deviation = deviationsOf(shaped, rows, all);
    const ranked = Array.from(deviation, (dev, index) => ({
      feature: features[index]!,
      index,
      deviation: dev,
    }))
      .filter((f) => Number.isFinite(f.deviation))
      .sort((a, b) => Math.abs(b.deviation) - Math.abs(a.deviation) || a.index - b.index);
    return {
      segment,
      size: rows.length,
      share: all.length ? rows.length / all.length : 0,
      mean: m,
      median: rows.length ? medians(x, rows) : new Float64Array(d).fill(Number.NaN),
      deviation,
      top: ranked.slice(0, top),
    };
  });
  return { features: [...features], overall: { mean, median: medians(x, all), sd }, segments, noise };
}
