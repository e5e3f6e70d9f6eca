export { type ClusterOutput, chooseKFromSweep, clusterRun, RunInputError } from "./cluster-run.js";
export {
  closeJobQueue,
  getJobQueue,
  JobQueue,
  type JobQueueOptions,
  pgliteBossDb,
  QUEUE_SCHEMA,
  RUN_DEAD_LETTER_QUEUE,
  RUN_QUEUE,
  type RunJobData,
} from "./queue.js";
export { type RunConsumer, type RunConsumerOptions, startRunConsumer } from "./run-consumer.js";
export { executeRun } from "./run-executor.js";
export { recoverRuns } from "./run-recovery.js";
