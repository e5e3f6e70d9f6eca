// The Piscina executor (node:worker_threads) is exported separately as
// "@strata/core/parallel/piscina" so that browser bundles importing @strata/core stay clean.
export {
  type Executor,
  type ExecutorRunOptions,
  type ProgressCallback,
  TaskAbortedError,
  TaskFailedError,
  type TaskName,
} from "./executor.js";
export { createInlineExecutor } from "./inline.js";
export { type KMeansParallelOptions, kmeansParallel } from "./kmeans-parallel.js";
export { isShared, sharedFloat64, sharedInt32, toShared } from "./shared.js";
export { type SweepKParallelOptions, sweepKParallel } from "./sweep-parallel.js";
export type {
  KMeansChunksInput,
  KMeansRestartInput,
  KMeansRestartOutput,
  SilhouetteRangeInput,
  SweepKInput,
  SweepKOutput,
} from "./tasks.js";
