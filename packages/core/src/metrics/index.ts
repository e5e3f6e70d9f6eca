export { adjustedRandIndex, mutualInfo, normalizedMutualInfo } from "./agreement.js";
export { calinskiHarabasz, daviesBouldin, inertia } from "./cluster-indices.js";
export { findKnee, type Knee, type KneeOptions } from "./knee.js";
export {
  meanIgnoringNaN,
  SILHOUETTE_DEFAULT_SAMPLE_SIZE,
  type SilhouetteOptions,
  silhouette,
  silhouetteRange,
  silhouetteSamples,
  silhouetteScores,
  silhouetteSubsample,
} from "./silhouette.js";
