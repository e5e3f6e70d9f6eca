import { CoreInputError } from "../errors.js";

export interface KneeOptions {
  /** Shape of the curve: an inertia or k-distance curve is convex (bends upwards). Default "convex". */
  curve?: "convex" | "concave";
  /** Whether y falls or rises with x. Default "decreasing". */
  direction?: "decreasing" | "increasing";
  /** Kneedle's S: how far the difference curve must drop after a candidate. Default 1. */
  sensitivity?: number;
  /**
   * "kneedle": the first local maximum of the difference curve confirmed by the S rule (the
   * paper's offline rule). "furthest": the point furthest from the chord, which is steadier on
   * long noisy curves such as a k-distance curve. Default "kneedle".
   */
  rule?: "kneedle" | "furthest";
}

export interface Knee {
  /** Position in the input arrays. */
  readonly index: number;
  readonly x: number;
  readonly y: number;
}

/**
 * Knee (elbow) of a curve by Kneedle (Satopää, Albrecht, Irwin and Raghavan, 2011, offline
 * form): scale both axes to [0, 1], turn the curve into the distance of each point from the
 * chord joining its ends, and take the first local maximum of that distance after which the
 * distance falls by more than S times the mean x spacing (the rules of the `kneed` package). Undefined when there is no such
 * point (a straight or wrongly shaped curve). `xs` must be increasing.
 */
export function findKnee(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  options: KneeOptions = {},
): Knee | undefined {
  const n = xs.length;
  if (ys.length !== n) {
    throw new CoreInputError(`xs and ys have different lengths (${n} and ${ys.length})`, { field: "ys" });
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) {
      throw new CoreInputError(`point ${i} is not finite`, { row: i });
    }
    if (i > 0 && !(xs[i]! > xs[i - 1]!)) {
      throw new CoreInputError(`xs must be strictly increasing (position ${i})`, { row: i, field: "xs" });
    }
  }
  if (n < 3) return undefined;
  const curve = options.curve ?? "convex";
  const direction = options.direction ?? "decreasing";
  const sensitivity = options.sensitivity ?? 1;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (ys[i]! < yMin) yMin = ys[i]!;
    if (ys[i]! > yMax) yMax = ys[i]!;
  }
  if (yMax === yMin) return undefined;
  const x0 = xs[0]!;
  const xRange = xs[n - 1]! - x0;
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xn = (xs[i]! - x0) / xRange;
    const yn = (ys[i]! - yMin) / (yMax - yMin);
    // Each shape is mirrored into "concave increasing", where the knee lies furthest above y = x.
    if (curve === "convex") diff[i] = direction === "decreasing" ? 1 - yn - xn : xn - yn;
    else diff[i] = direction === "decreasing" ? yn + xn - 1 : yn - xn;
  }
  if (options.rule === "furthest") {
    let best = -1;
    for (let i = 1; i < n - 1; i++) if (diff[i]! > 0 && (best < 0 || diff[i]! > diff[best]!)) best = i;
    return best < 0 ? undefined : { index: best, x: xs[best]!, y: ys[best]! };
  }
  const drop = sensitivity / (n - 1);
  let candidate = -1;
  let threshold = 0;
  for (let i = 1; i < n; i++) {
    if (candidate >= 0 && diff[i]! < threshold) {
      return { index: candidate, x: xs[candidate]!, y: ys[candidate]! };
    }
    if (i === n - 1) break;
    if (diff[i]! > diff[i - 1]! && diff[i]! > diff[i + 1]!) {
      candidate = i;
      threshold = diff[i]! - drop;
    } else if (candidate >= 0 && diff[i]! < diff[i - 1]! && diff[i]! < diff[i + 1]!) {
      // Past a local minimum only a fall below the chord itself still confirms the candidate.
      threshold = 0;
    }
  }
  return undefined;
}
