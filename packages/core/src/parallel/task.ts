/**
 * The worker-thread entry Piscina loads (built to dist/parallel/task.js, exported as
 * "@strata/core/parallel/task"). Each call runs one named task from tasks.ts; progress goes
 * back through the MessagePort the caller transferred, errors come back as plain data so the
 * caller can rebuild a CoreInputError with its row/column/field.
 */
import type { MessagePort } from "node:worker_threads";
import type { TaskName } from "./executor.js";
import { runTask, type SerializedError, serializeError } from "./tasks.js";

export interface TaskMessage {
  task: TaskName;
  input: unknown;
  port?: MessagePort;
}

export type TaskReply = { ok: true; value: unknown } | { ok: false; error: SerializedError };

export default function task(message: TaskMessage): TaskReply {
  const { port } = message;
  try {
    const progress =
      port === undefined
        ? undefined
        : (stage: string, fraction: number) => port.postMessage({ stage, fraction });
    return { ok: true, value: runTask(message.task, message.input, progress) };
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  } finally {
    port?.close();
  }
}
