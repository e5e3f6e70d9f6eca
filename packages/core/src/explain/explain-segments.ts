import type { Matrix } from "../matrix/matrix.js";
import { pearsonMatrix, SPEARMAN_SAMPLE, spearmanMatrix } from "./correlation.js";
import { suggestSegmentNames } from "./naming.js";
import { profileSegments, type SegmentProfiles } from "./profile.js";
import { type SurrogateRules, surrogateRules, type TreeOptions } from "./tree.js";

export interface SegmentExplanation {
  readonly profiles: SegmentProfiles;
  /** A suggested name per segment, unique within the run, true of every column it names (see naming.ts). */
  readonly names: string[];
  /** At least one rule per non-empty segment, each with precision and recall; segmentFit per segment. */
  readonly rules: SurrogateRules;
  /** d x d, row-major, for the heatmap. */
  readonly pearson: Float64Array;
  /**
   * d x d, row-major. Above SPEARMAN_SAMPLE rows, estimated from a fixed-seed sample of that many
   * (standard error of a coefficient at most about 0.005); Pearson is exact, on every row.
   */
  readonly spearman: Float64Array;
  /** Rows the Spearman matrix was computed on: every row, or SPEARMAN_SAMPLE of them. */
  readonly spearmanRows: number;
}

/**
 * Everything the segment pages show, in one call: profiles, suggested names, surrogate-tree
 * rules with fidelity and both correlation matrices (Spearman from a sample of rows on large inputs). Pass the features in original units so
 * means and rule thresholds read in the units people know, and `shaped` (the rows as clustered,
 * skewed columns reshaped) so that deviations, and the names built on them, are measured where
 * the segments were found (profileSegments).
 */
export function explainSegments(
  original: Matrix,
  labels: Int32Array,
  features: ReadonlyArray<string>,
  options: { top?: number; tree?: TreeOptions; shaped?: Matrix } = {},
): SegmentExplanation {
  const profiles = profileSegments(original, labels, features, {
    ...(options.top === undefined ? {} : { top: options.top }),
    ...(options.shaped === undefined ? {} : { shaped: options.shaped }),
  });
  return {
    profiles,
    names: suggestSegmentNames(profiles.segments, features),
    rules: surrogateRules(original, labels, features, options.tree),
    pearson: pearsonMatrix(original),
    spearman: spearmanMatrix(original, { maxRows: SPEARMAN_SAMPLE, seed: options.tree?.seed ?? 0 }),
    spearmanRows: Math.min(original.n, SPEARMAN_SAMPLE),
  };
}
