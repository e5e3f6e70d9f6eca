import { describeClustering } from "./describe.js";
import { type Clustering, clusterInline } from "./fit.js";
import { type PreparedMatrix, prepareMatrix } from "./prepare-matrix.js";
import type { Progress, SegmentationInput, SegmentationResult } from "./types.js";

/**
 * Runs one segmentation end to end on this thread. `progress` is called often; it may throw to stop.
 * `given` and `givenPrepared`: what an earlier step computed from this same input (k-means on
 * core's executor), so that it is neither fitted nor prepared twice.
 */
export function segmentationRun(
  input: SegmentationInput,
  progress: Progress = () => {},
  given?: Clustering,
  givenPrepared?: PreparedMatrix,
): SegmentationResult {
  if (!given) progress("Preparing features", 2);
  const prepared = givenPrepared ?? prepareMatrix(input);
  // `given`: clustered already (k-means on core's executor); only measure, map and explain here.
  const clustering = given ?? clusterInline(input, prepared.fitX, progress);
  return describeClustering(input, prepared, clustering, progress);
}
