import { z } from "zod";
import { runConfigSchema } from "./run-config.js";
import { runMetricsSchema, runResultSchema } from "./run-result.js";

/** queued -> running -> succeeded | failed | cancelled (the database's `run_status`). */
export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const runProgressSchema = z.object({ stage: z.string(), percent: z.number() });

/** Wall-clock milliseconds per phase of the last attempt. */
export const runTimingsSchema = z.object({
  queuedMs: z.number().optional(),
  readMs: z.number().optional(),
  prepareMs: z.number().optional(),
  clusterMs: z.number().optional(),
  fitMs: z.number().optional(),
  describeMs: z.number().optional(),
  writeMs: z.number().optional(),
  totalMs: z.number().optional(),
});

/** A run in the runs list: everything but the (large) result document. */
export const runSummarySchema = z.object({
  id: z.string(),
  name: z.string().nullable(),
  config: runConfigSchema,
  status: z.enum(RUN_STATUSES),
  progress: runProgressSchema,
  metrics: runMetricsSchema.nullable(),
  error: z.string().nullable(),
  attempt: z.number(),
  timings: runTimingsSchema,
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type RunSummary = z.output<typeof runSummarySchema>;

/** A run as the browser sees it (the queue's bookkeeping stays inside). */
export const runViewSchema = runSummarySchema.extend({
  result: runResultSchema.nullable(),
  maxAttempts: z.number(),
  queuedAt: z.date(),
});
export type RunView = z.output<typeof runViewSchema>;

export const runListSchema = z.object({
  items: z.array(runSummarySchema),
  nextCursor: z.object({ createdAt: z.date(), id: z.string() }).nullable(),
});
export type RunList = z.output<typeof runListSchema>;
