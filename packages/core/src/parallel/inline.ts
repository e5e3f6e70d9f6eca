import type { Executor, ExecutorRunOptions, TaskName } from "./executor.js";
import { TaskAbortedError } from "./executor.js";
import { runTask } from "./tasks.js";

/**
 * Runs tasks on the calling thread, one at a time: the twin of the Piscina executor for tests
 * and small inputs. An aborted signal stops the task at its next progress report.
 */
export function createInlineExecutor(): Executor {
  return {
    threads: 1,
    async run<I, O>(task: TaskName, input: I, options: ExecutorRunOptions = {}): Promise<O> {
      const { signal, onProgress } = options;
      if (signal?.aborted) throw new TaskAbortedError(task);
      // Let the caller's other tasks start and an abort land before this one blocks the thread.
      await Promise.resolve();
      if (signal?.aborted) throw new TaskAbortedError(task);
      const progress = (stage: string, fraction: number) => {
        if (signal?.aborted) throw new TaskAbortedError(task);
        onProgress?.(stage, fraction);
      };
      return runTask(task, input, progress) as O;
    },
    async destroy() {},
  };
}
