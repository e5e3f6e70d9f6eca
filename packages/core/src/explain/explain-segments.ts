import type { Matrix } from "../matrix/matrix.js";
import { pearsonMatrix, spearmanMatrix } from "./correlation.js";
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
  readonly spearman: Float64Array;
}

/**
 * Everything the segment pages show, in one call: profiles, suggested names, surrogate-tree
 * rules with fidelity and both correlation matrices. Pass the features in original units so
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
    spearman: spearmanMatrix(original),
  };
}
