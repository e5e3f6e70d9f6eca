import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { quantileSelect } from "../preprocess/select.js";

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

/**
 * Medians of every column, overall (rows with a label >= 0) and per segment, in one pass per
 * column: the column's values are laid out grouped by segment (a counting sort by label, rows in
 * order within a segment) and each group's median is found by selection (select.ts): the same
 * numbers as sorting each segment's values, in linear time.
 */
function mediansBySegment(
  x: Matrix,
  labels: Int32Array,
  sizes: Int32Array,
): { overall: Float64Array; segments: Float64Array[] } {
  const { n, d, data } = x;
  const k = sizes.length;
  const start = new Int32Array(k + 1);
  for (let s = 0; s < k; s++) start[s + 1] = start[s]! + sizes[s]!;
  const total = start[k]!;
  const grouped = new Float64Array(total);
  const all = new Float64Array(total);
  const next = new Int32Array(k);
  const overall = new Float64Array(d);
  const segments = Array.from({ length: k }, () => new Float64Array(d));
  for (let j = 0; j < d; j++) {
    next.set(start.subarray(0, k));
    for (let i = 0; i < n; i++) {
      const l = labels[i]!;
      if (l >= 0) grouped[next[l]!++] = data[i * d + j]!;
    }
    all.set(grouped);
    overall[j] = quantileSelect(all, 0.5);
    for (let s = 0; s < k; s++)
      segments[s]![j] = quantileSelect(grouped.subarray(start[s]!, start[s + 1]!), 0.5);
  }
  return { overall, segments };
}

/** Column means over the rows labelled >= 0, overall and per segment, summed in row order. */
function meansBySegment(x: Matrix, labels: Int32Array, sizes: Int32Array, total: number) {
  const { n, d, data } = x;
  const k = sizes.length;
  const mean = new Float64Array(d);
  const sums = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) continue;
    const o = i * d;
    const so = l * d;
    for (let j = 0; j < d; j++) {
      const v = data[o + j]!;
      mean[j]! += v;
      sums[so + j]! += v;
    }
  }
  for (let j = 0; j < d; j++) mean[j]! /= total;
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    if (labels[i]! < 0) continue;
    const o = i * d;
    for (let j = 0; j < d; j++) sd[j]! += (data[o + j]! - mean[j]!) ** 2;
  }
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]! / total);
  return { mean, sd, sums };
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
  const { n, d } = x;
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
  const sizes = new Int32Array(k);
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l < 0) noise++;
    else sizes[l]!++;
  }
  const total = n - noise;
  const { mean, sd, sums } = meansBySegment(x, labels, sizes, total);
  // Deviations are measured on `shaped`: its own overall mean and sd, computed once for all segments.
  const shapedStats = shaped === x ? { mean, sd, sums } : meansBySegment(shaped, labels, sizes, total);
  const medians = mediansBySegment(x, labels, sizes);

  const top = options.top ?? 5;
  const segments = Array.from(sizes, (size, segment) => {
    const m = new Float64Array(d).fill(size ? 0 : Number.NaN);
    if (size) for (let j = 0; j < d; j++) m[j] = sums[segment * d + j]! / size;
    // (segment mean - overall mean) / overall sd, on the shaped scale.
    const deviation = Float64Array.from({ length: d }, (_, j) => {
      if (size === 0) return Number.NaN;
      const sdj = shapedStats.sd[j]!;
      return sdj > 0 ? (shapedStats.sums[segment * d + j]! / size - shapedStats.mean[j]!) / sdj : 0;
    });
    const ranked = Array.from(deviation, (dev, index) => ({
      feature: features[index]!,
      index,
      deviation: dev,
    }))
      .filter((f) => Number.isFinite(f.deviation))
      .sort((a, b) => Math.abs(b.deviation) - Math.abs(a.deviation) || a.index - b.index);
    return {
      segment,
      size,
      share: total ? size / total : 0,
      mean: m,
      median: size ? medians.segments[segment]! : new Float64Array(d).fill(Number.NaN),
      deviation,
      top: ranked.slice(0, top),
    };
  });
  return { features: [...features], overall: { mean, median: medians.overall, sd }, segments, noise };
}
