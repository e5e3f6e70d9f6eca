import { availableParallelism } from "node:os";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { Executor, ExecutorRunOptions, TaskName } from "./executor.js";
import { TaskAbortedError, TaskFailedError } from "./executor.js";
import type { TaskMessage, TaskReply } from "./task.js";
import { reviveError } from "./tasks.js";

// t-SNE's second thread (a plain worker thread beside the pool): Node-only, hence exported here.
export { spawnTsneHelperThread, useTsneHelperThread } from "./tsne-thread.js";

export interface PiscinaExecutorOptions {
  /** Worker threads. Default: the machine's available parallelism. */
  threads?: number;
  /** Per-worker V8 limits; a task that exceeds them fails alone and the pool replaces the worker. */
  resourceLimits?: {
    maxOldGenerationSizeMb?: number;
    maxYoungGenerationSizeMb?: number;
    codeRangeSizeMb?: number;
    stackSizeMb?: number;
  };
  /** The worker file (a URL or path). Default: the built dist/parallel/task-entry.cjs of this package. */
  filename?: string;
  /** Milliseconds an idle worker is kept. Default: kept for the life of the pool (a warm pool). */
  idleTimeout?: number;
}

/**
 * The worker file: task-entry.cjs, CommonJS that imports task.js (see task-entry.cts for why).
 * Loaded from dist, it sits beside this module; loaded from source (vitest runs src/), workers
 * still need JavaScript, so the built dist file is used.
 */
function defaultTaskFile(): string {
  const here = new URL("./task-entry.cjs", import.meta.url);
  if (here.pathname.endsWith("/src/parallel/task-entry.cjs")) {
    return new URL("../../dist/parallel/task-entry.cjs", import.meta.url).href;
  }
  return here.href;
}

function describeFailure(error: unknown): string {
  const e = error as { code?: string; message?: string };
  if (e?.code === "ERR_WORKER_OUT_OF_MEMORY") {
    return `the worker ran out of memory (its resourceLimits were exceeded): ${e.message}`;
  }
  const exited = /worker exited with code: (-?\d+)/.exec(e?.message ?? "");
  if (exited) return `the worker exited with code ${exited[1]} before finishing`;
  return e?.message ?? String(error);
}

/**
 * Runs tasks on a Piscina pool of worker threads. Inputs should hold SharedArrayBuffer-backed
 * arrays (`toShared`) so rows are not copied per task. A task that throws, exits its worker or
 * runs out of memory rejects alone (TaskFailedError, or the original CoreInputError); the pool
 * replaces the worker and goes on. An aborted signal terminates the worker running the task.
 */
export function createPiscinaExecutor(options: PiscinaExecutorOptions = {}): Executor {
  const threads = options.threads ?? availableParallelism();
  const pool = new Piscina<TaskMessage, TaskReply>({
    filename: options.filename ?? defaultTaskFile(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: options.idleTimeout ?? Number.POSITIVE_INFINITY,
    ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
  });
  return {
    threads,
    async run<I, O>(task: TaskName, input: I, runOptions: ExecutorRunOptions = {}): Promise<O> {
      const { signal, onProgress } = runOptions;
      if (signal?.aborted) throw new TaskAbortedError(task);
      const channel = onProgress === undefined ? undefined : new MessageChannel();
      channel?.port1.on("message", (m: { stage: string; fraction: number }) =>
        onProgress?.(m.stage, m.fraction),
      );
      let reply: TaskReply;
      try {
        reply = await pool.run(
          channel === undefined ? { task, input } : { task, input, port: channel.port2 },
          channel === undefined
            ? { signal: signal ?? null }
            : { signal: signal ?? null, transferList: [channel.port2] },
        );
      } catch (error) {
        if (signal?.aborted || (error as Error)?.name === "AbortError") throw new TaskAbortedError(task);
        throw new TaskFailedError(task, describeFailure(error), error);
      } finally {
        if (channel !== undefined) {
          // Progress posted just before the reply travels on another port: let it land first.
          await new Promise((resolve) => setImmediate(resolve));
          channel.port1.close();
        }
      }
      if (!reply.ok) throw reviveError(reply.error);
      return reply.value as O;
    },
    async destroy() {
      await pool.destroy();
    },
  };
}
