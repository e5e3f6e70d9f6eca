/**
 * The file Piscina loads in each worker (built to dist/parallel/task-entry.cjs). Piscina loads its
 * task file with require(); were that file an ES module, Node 20 would load it through require(esm),
 * and a thread terminated while doing so (a pool destroyed just after it started, a replacement
 * thread stopped) aborts the whole process ("FATAL ERROR: v8::Module::IsGraphAsync"). This file is
 * CommonJS: it starts importing the task module asynchronously, which a terminated thread simply
 * abandons, and each task waits for that import.
 */
import type { TaskMessage, TaskReply } from "./task.js";

const loading = import("./task.js");
// Awaited by every task; a failed import is each task's error, not an unhandled rejection.
loading.catch(() => {});

export = {
  // Piscina takes the module as it is (no default wrapping) and calls its default.
  __esModule: true,
  default: async (message: TaskMessage): Promise<TaskReply> => (await loading).default(message),
};
