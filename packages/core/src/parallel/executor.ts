/** Names of the tasks src/parallel/task.ts runs (see tasks.ts for inputs and outputs). */
export type TaskName =
  | "kmeans-restart"
  | "kmeans-chunks"
  | "silhouette-range"
  | "silhouette-blocks"
  | "sweep-k";

export type ProgressCallback = (stage: string, fraction: number) => void;

export interface ExecutorRunOptions {
  /** Aborting rejects the task with an AbortError; a Piscina worker running it is terminated. */
  signal?: AbortSignal;
  /** Progress reported by the task (from the worker thread, through a MessagePort). */
  onProgress?: ProgressCallback;
}

/**
 * Where the expensive parts of an algorithm run: inline on this thread (tests, small inputs) or
 * on a pool of worker threads. Inputs hold SharedArrayBuffer-backed typed arrays and row ranges.
 */
export interface Executor {
  run<I, O>(task: TaskName, input: I, options?: ExecutorRunOptions): Promise<O>;
  /** How many tasks run at the same time. */
  readonly threads: number;
  destroy(): Promise<void>;
}

/** Thrown inside a task when its signal was aborted (inline) or raised by the pool (Piscina). */
export class TaskAbortedError extends Error {
  override readonly name = "AbortError";
  constructor(task: string) {
    super(`task ${task} was aborted`);
  }
}

/** A task failed in a worker (threw, exited, ran out of memory); `cause` holds the original. */
export class TaskFailedError extends Error {
  override readonly name = "TaskFailedError";
  readonly task: string;
  constructor(task: string, message: string, cause?: unknown) {
    super(`task ${task} failed: ${message}`, { cause });
    this.task = task;
  }
}
