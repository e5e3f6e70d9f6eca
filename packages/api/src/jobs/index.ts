export { type ClusterOutput, chooseKFromSweep, clusterRun, RunInputError } from "./cluster-run.js";
export { executeCostToServe } from "./cost-to-serve-executor.js";
export { recoverCostToServeRuns } from "./cost-to-serve-recovery.js";
export { type ImportConsumer, type ImportConsumerOptions, startImportConsumer } from "./import-consumer.js";
export { executeImport } from "./import-executor.js";
export { recoverImports } from "./import-recovery.js";
export {
  executeProfile,
  profileStaleDatasets,
  queueMissingProfiles,
  sendProfileJobInTransaction,
} from "./profile-job.js";
export {
  COST_TO_SERVE_DEAD_LETTER_QUEUE,
  COST_TO_SERVE_QUEUE,
  type CostToServeJobData,
  closeJobQueue,
  getJobQueue,
  IMPORT_DEAD_LETTER_QUEUE,
  IMPORT_QUEUE,
  type ImportJobData,
  JobQueue,
  type JobQueueOptions,
  PROFILE_QUEUE,
  type ProfileJobData,
  pgliteBossDb,
  QUEUE_SCHEMA,
  queryBossDb,
  RUN_DEAD_LETTER_QUEUE,
  RUN_QUEUE,
  type RunJobData,
} from "./queue.js";
export { type RunConsumer, type RunConsumerOptions, startRunConsumer } from "./run-consumer.js";
export { executeRun } from "./run-executor.js";
export { recoverRuns } from "./run-recovery.js";
export { type ExpiredUpload, expireUploads } from "./upload-expiry.js";
