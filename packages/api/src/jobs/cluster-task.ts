import type { MessagePort } from "node:worker_threads";
import type { RunConfig } from "@strata/contract";
import { CoreInputError, type PreparedMatrix, type TsneSample, tsneMapOf } from "@strata/core";
import { useTsneHelperThread } from "@strata/core/parallel/piscina";
import { type Clustering, type ClusterOutput, clusterRun, RunInputError } from "./cluster-run.js";

// The t-SNE map works on a second thread beside this one (neighbour search and steps split, the
// same map to the bit): it is drawn after the run stored its segments, when the pool's other
// thread is normally idle. See core's embed/tsne-team.ts.
useTsneHelperThread();

/**
 * Piscina task file (built to dist/jobs/cluster-task.js): one run's clustering inside a worker
 * thread. Progress goes back over `port`; cancellation is Piscina's: aborting the task terminates
 * this thread, which stops the computation at once wherever it is.
 */
export interface ClusterTaskInput {
  data: Float64Array;
  n: number;
  d: number;
  features: string[];
  config: RunConfig;
  port: MessagePort;
  /** Already clustered (k-means on core's executor): only measure, map and explain. */
  clustering?: Clustering;
  /** The matrix that clustering was fitted on, its buffers moved to this thread rather than copied. */
  prepared?: PreparedMatrix;
}

export type ClusterTaskResult =
  | { ok: true; output: ClusterOutput }
  /** Input the user can fix: `message` is a sentence for them (class identity does not cross threads). */
  | { ok: false; message: string };

export interface ProgressMessage {
  stage: string;
  percent: number;
}

export default function clusterTask(input: ClusterTaskInput): ClusterTaskResult {
  const { port } = input;
  let last = 0;
  let lastStage = "";
  const progress = (stage: string, percent: number) => {
    const now = Date.now();
    // Throttled: the consumer writes at most once a second anyway.
    if (stage === lastStage && now - last < 200) return;
    last = now;
    lastStage = stage;
    port.postMessage({ stage, percent } satisfies ProgressMessage);
  };
  try {
    const output = clusterRun(input, progress, input.clustering, input.prepared);
    return { ok: true, output };
  } catch (error) {
    if (error instanceof RunInputError) return { ok: false, message: error.message };
    if (error instanceof CoreInputError)
      return { ok: false, message: `The features cannot be clustered: ${error.message}.` };
    throw error;
  } finally {
    port.close();
  }
}

export interface TsneTaskInput {
  sample: TsneSample;
  seed: number;
}

/** The t-SNE map of a run's map sample, drawn after the run stored its segments (named Piscina task). */
export function tsneTask(input: TsneTaskInput): Array<[number, number, number, number]> {
  return tsneMapOf(input.sample, input.seed);
}
