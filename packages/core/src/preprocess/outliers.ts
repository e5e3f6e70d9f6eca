import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { quantileSelect } from "./select.js";

export interface FindOutliersOptions {
  /** A row is extreme when some feature lies this many robust standard deviations from the median. Default 5. */
  readonly threshold?: number;
  /** At most this share of rows is set aside, the most extreme first. Default 0.02. */
  readonly maxShare?: number;
}

export interface Outliers {
  /** 1 for a row set aside. */
  readonly mask: Uint8Array;
  readonly count: number;
  /** Per row: the largest robust z over the features (how extreme it is). */
  readonly score: Float64Array;
  /** Per row set aside, the feature that made it extreme (index), -1 for others. */
  readonly feature: Int32Array;
  readonly threshold: number;
}

/**
 * Rows extreme enough that a clustering would spend a segment on them: a few very large
 * customers otherwise become "segments" of a handful, or stretch the scale so far that everyone
 * else looks alike. Each feature is measured in robust units, (x - median) / (1.4826 MAD), with the
 * interquartile range, then the standard deviation, standing in where half the values are equal
 * (MAD = 0, as with mostly-zero columns). Meant for already log-transformed features.
 */
export function findOutliers(x: Matrix, options: FindOutliersOptions = {}): Outliers {
  const threshold = options.threshold ?? 5;
  const maxShare = options.maxShare ?? 0.02;
  if (!(threshold > 0)) {
    throw new CoreInputError(`threshold must be positive, got ${threshold}`, { field: "threshold" });
  }
  if (!(maxShare >= 0 && maxShare <= 0.5)) {
    throw new CoreInputError(`maxShare must be between 0 and 0.5, got ${maxShare}`, { field: "maxShare" });
  }
  const { n, d, data } = x;
  const score = new Float64Array(n);
  const feature = new Int32Array(n).fill(-1);
  const values = new Float64Array(n);
  // Scratch for the selections: medians, MAD and quartiles by quickselect (select.ts), the same
  // numbers as sorting, in linear time.
  const scratch = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) values[i] = data[i * d + j]!;
    scratch.set(values);
    const median = quantileSelect(scratch, 0.5);
    for (let i = 0; i < n; i++) scratch[i] = Math.abs(values[i]! - median);
    let spread = 1.4826 * quantileSelect(scratch, 0.5);
    if (!(spread > 0)) {
      scratch.set(values);
      const q3 = quantileSelect(scratch, 0.75);
      spread = (q3 - quantileSelect(scratch, 0.25)) / 1.349;
    }
    if (!(spread > 0)) {
      let mean = 0;
      for (const v of values) mean += v / n;
      let variance = 0;
      for (const v of values) variance += (v - mean) ** 2 / n;
      spread = Math.sqrt(variance);
    }
    if (!(spread > 0)) continue;
    for (let i = 0; i < n; i++) {
      const z = Math.abs(values[i]! - median) / spread;
      if (z > score[i]!) {
        score[i] = z;
        feature[i] = j;
      }
    }
  }
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) if (score[i]! > threshold) candidates.push(i);
  candidates.sort((a, b) => score[b]! - score[a]! || a - b);
  const kept = candidates.slice(0, Math.floor(maxShare * n));
  const mask = new Uint8Array(n);
  for (const i of kept) mask[i] = 1;
  for (let i = 0; i < n; i++) if (!mask[i]) feature[i] = -1;
  return { mask, count: kept.length, score, feature, threshold };
}
