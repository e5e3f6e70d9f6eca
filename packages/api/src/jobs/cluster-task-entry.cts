/**
 * The file the run consumer's pool loads in each worker (built to dist/jobs/cluster-task-entry.cjs):
 * CommonJS, so that Piscina's require() never loads an ES module synchronously. A thread terminated
 * during such a load (a pool destroyed just after it started, a task aborted on a fresh thread)
 * aborts the whole process on Node 20 ("FATAL ERROR: v8::Module::IsGraphAsync"); the asynchronous
 * import below is simply abandoned. See core's parallel/task-entry.cts.
 */
import type { ClusterTaskInput, TsneTaskInput } from "./cluster-task.js";

const loading = import("./cluster-task.js");
// Awaited by every task; a failed import is each task's error, not an unhandled rejection.
loading.catch(() => {});

export = {
  // Piscina takes the module as it is (no default wrapping) and calls the task's name in it.
  __esModule: true,
  default: async (input: ClusterTaskInput) => (await loading).default(input),
  tsneTask: async (input: TsneTaskInput) => (await loading).tsneTask(input),
};
