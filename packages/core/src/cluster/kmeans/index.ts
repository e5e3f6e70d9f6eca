export { halfGaps } from "./engine.js";
export { kmeansPlusPlus, randomInit } from "./init.js";
export {
  assignToNearest,
  type KMeansAlgorithm,
  type KMeansOptions,
  type KMeansResult,
  kmeans,
  meanVariance,
} from "./kmeans.js";
export {
  createMiniBatchKMeans,
  type MiniBatchKMeans,
  type MiniBatchKMeansOptions,
  miniBatchKMeans,
} from "./mini-batch.js";
export { setWasmDisabled, WASM_MAX_D } from "./wasm.js";
