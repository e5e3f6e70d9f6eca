import { tsne } from "../embed/index.js";
import { CoreInputError } from "../errors.js";
import { explainSegments } from "../explain/explain-segments.js";
import type { Matrix } from "../matrix/matrix.js";

/**
 * What the result page explains about a run's segments, computed once by the worker next to the
 * clustering (issue 6): profiles in the features' own units, the surrogate tree's readable rules with
 * their fidelity, a suggested name per segment, the features' correlation matrix, and a non-linear
 * (t-SNE) map of a sample. Kept apart from cluster-run.ts so the run executor only gains one call.
 */
export interface SegmentExplanationDoc {
  features: string[];
  overall: { mean: Array<number | null>; sd: Array<number | null> };
  segments: Array<{
    segment: number;
    size: number;
    share: number;
    name: string;
    mean: Array<number | null>;
    median: Array<number | null>;
    /** (segment mean - overall mean) / overall sd, per feature, on the reshaped scale the run clustered. */
    deviation: Array<number | null>;
    /** Indices of the features that set the segment apart most, largest |deviation| first. */
    top: number[];
    /**
     * At most three, the ones covering most of the segment first; never empty for a non-empty segment
     * (a segment the surrogate tree misses gets a one-vs-rest rule, source "one-vs-rest").
     */
    rules: Array<{
      text: string;
      support: number;
      precision: number;
      recall: number;
      source: "tree" | "one-vs-rest";
    }>;
    /** The segment's rules together (all of them, not only the three kept): precision and recall. */
    ruleFit: { precision: number; recall: number };
  }>;
  /** Share of customers (noise excluded) whose segment the surrogate tree predicts, in %. */
  fidelity: number;
  /** DBSCAN's noise described like a segment (segment -1), so its card says what sets it apart. */
  noiseProfile?: SegmentExplanationDoc["segments"][number] | null;
  /** Pearson correlation, features x features. */
  correlation: Array<Array<number | null>>;
  noise: number;
}

export interface ExplanationOutput {
  explanation: SegmentExplanationDoc | null;
  /** t-SNE coordinates: [row index of the prepared matrix, x, y, segment]. */
  tsne: Array<[number, number, number, number]>;
}

/**
 * Points of the t-SNE map at most: the whole map sample (the run's mapSampleSize, at most 20,000
 * in the run contract), so the PCA and t-SNE views show the same customers. A run draws it on the
 * worker's Piscina pool, as its own task once the segments are stored (run-executor.ts): a worker
 * thread, never the event loop that beats the heartbeat and, in embedded mode, serves the web
 * server; cancelling terminates that thread. 20,000 points cost tens of CPU seconds (Barnes-Hut
 * with grouped tree walks, vantage-point tree neighbours; figures in BENCHMARKS-map.md).
 */
export const TSNE_SAMPLE = 20_000;

/** Gradient steps of the run's map: 250 with early exaggeration, then 500 (openTSNE's default). */
export const TSNE_ITERATIONS = 750;

const num = (v: number, digits = 5) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);

/**
 * `scaled` is the prepared (transformed and scaled) matrix the clustering saw; `original` holds
 * the same rows in the features' own units, so profiles and rules read in those units. `sampleRows`
 * are the rows of the PCA map sample; the t-SNE map uses the first TSNE_SAMPLE of them, so hovering
 * either map shows the same customers.
 */
export function explainResult(
  scaled: Matrix,
  labels: Int32Array,
  features: string[],
  x: Matrix,
  sampleRows: ArrayLike<number>,
  seed: number,
): ExplanationOutput {
  const { d } = scaled;
  let explanation: SegmentExplanationDoc | null = null;
  try {
    // Noise (-1) is profiled as one more class, so profiles compare with every customer and the
    // noise gets its own description; it is taken out of the segment list again below.
    let k = 0;
    let noiseCount = 0;
    for (const l of labels) {
      if (l + 1 > k) k = l + 1;
      if (l < 0) noiseCount++;
    }
    const profileLabels = noiseCount > 0 ? Int32Array.from(labels, (l) => (l < 0 ? k : l)) : labels;
    // Deviations (and the names built on them) are measured on the scale the segments were found
    // on: any affine scaling of the reshaped features gives the same deviations.
    const e = explainSegments(x, profileLabels, features, {
      top: Math.min(d, 6),
      tree: { maxDepth: 3, seed },
      shaped: scaled,
    });
    const describe = (p: (typeof e.profiles.segments)[number], s: number) => ({
      segment: s < k ? p.segment : -1,
      size: p.size,
      share: num(p.share) ?? 0,
      name: s < k ? (e.names[s] ?? `Segment ${s + 1}`) : "Noise",
      mean: Array.from(p.mean, (v) => num(v)),
      median: Array.from(p.median, (v) => num(v)),
      deviation: Array.from(p.deviation, (v) => num(v, 4)),
      top: p.top.map((t) => t.index),
      rules: (e.rules.rules[s] ?? []).slice(0, 3).map((r) => ({
        text: r.text,
        support: r.support,
        precision: num(r.precision, 3) ?? 0,
        recall: num(r.recall, 3) ?? 0,
        source: r.source,
      })),
      ruleFit: {
        precision: num(e.rules.segmentFit[s]?.precision ?? 0, 3) ?? 0,
        recall: num(e.rules.segmentFit[s]?.recall ?? 0, 3) ?? 0,
      },
    });
    const noiseProfile = noiseCount > 0 ? e.profiles.segments[k] : undefined;
    explanation = {
      features: [...features],
      overall: {
        mean: Array.from(e.profiles.overall.mean, (v) => num(v)),
        sd: Array.from(e.profiles.overall.sd, (v) => num(v)),
      },
      segments: e.profiles.segments.slice(0, k).map(describe),
      noiseProfile: noiseProfile ? describe(noiseProfile, k) : null,
      fidelity: num(e.rules.fidelity, 4) ?? 0,
      correlation: Array.from({ length: d }, (_, a) =>
        Array.from({ length: d }, (_, b) => num(e.pearson[a * d + b]!, 3)),
      ),
      noise: noiseCount,
    };
  } catch (error) {
    // Degenerate inputs (a single segment, no spread) leave the explanation out, not the run.
    if (!(error instanceof CoreInputError)) throw error;
  }

  const points = tsneMapOf(tsneSampleOf(scaled, labels, sampleRows), seed);
  return { explanation, tsne: points };
}

/** The rows of the t-SNE map (at most TSNE_SAMPLE of the map sample), their scaled values and segments. */
export interface TsneSample {
  rows: Int32Array;
  labels: Int32Array;
  data: Float64Array;
  d: number;
}

export function tsneSampleOf(scaled: Matrix, labels: Int32Array, sampleRows: ArrayLike<number>): TsneSample {
  const { d } = scaled;
  const rows = Int32Array.from(Array.from(sampleRows).slice(0, TSNE_SAMPLE));
  const data = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    data.set(scaled.data.subarray(r * d, r * d + d), i * d);
  });
  return { rows, labels: Int32Array.from(rows, (r) => labels[r]!), data, d };
}

/**
 * The t-SNE map of a sample: [row, x, y, segment] per point; empty when the sample is too small
 * or degenerate. A run draws it after its result is stored (run-executor.ts), the explanation inline.
 */
export function tsneMapOf(sample: TsneSample, seed: number): ExplanationOutput["tsne"] {
  const { rows, d } = sample;
  const points: ExplanationOutput["tsne"] = [];
  if (rows.length < 4 || d < 1) return points;
  try {
    const map = tsne(
      { data: sample.data, n: rows.length, d },
      { seed, iterations: TSNE_ITERATIONS, theta: 0.5, sampleSize: TSNE_SAMPLE },
    );
    map.indices.forEach((i, p) => {
      points.push([
        rows[i]!,
        num(map.embedding.data[p * 2]!, 4) ?? 0,
        num(map.embedding.data[p * 2 + 1]!, 4) ?? 0,
        sample.labels[i]!,
      ]);
    });
  } catch (error) {
    if (!(error instanceof CoreInputError)) throw error;
  }
  return points;
}
