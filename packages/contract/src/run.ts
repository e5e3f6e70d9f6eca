import { z } from "zod";
import { runConfigSchema } from "./run-config.js";
import { runMetricsSchema, runResultSchema, storedNumber } from "./run-result.js";

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
  /** Writing the memberships; k-means runs write them while describing (inside clusterMs). */
  writeMs: z.number().optional(),
  /** From the computed result to its commit: what the write adds to the wait. */
  saveMs: z.number().optional(),
  totalMs: z.number().optional(),
  /** After the result is stored: drawing the t-SNE map. */
  mapMs: z.number().optional(),
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
  /**
   * The result document without its map samples: `map.points` and `tsne` are empty here (together
   * they were nine tenths of the document); `mapSample` says how many each holds and `run.map` reads
   * them, one map at a time.
   */
  result: runResultSchema.nullable(),
  mapSample: z.object({ pca: z.number(), tsne: z.number() }).default({ pca: 0, tsne: 0 }),
  maxAttempts: z.number(),
  queuedAt: z.date(),
});

/**
 * One map of a run's sample of customers, column by column (a few thousand points: arrays of
 * numbers instead of an object per point). Coordinates are rounded to 1/1000 of a unit, far below a
 * pixel of any drawing.
 */
export const runMapSchema = z.object({
  method: z.enum(["pca", "tsne"]),
  /** PCA only: the share of variance each axis explains. */
  explainedVariance: z.array(storedNumber),
  /** The t-SNE map is drawn after the segments: still being drawn (no points yet). */
  pending: z.boolean(),
  customerIds: z.array(z.string()),
  /** The customers' own ids (what hovering a point names); "" for a customer erased since. */
  externalIds: z.array(z.string()),
  x: z.array(z.number()),
  y: z.array(z.number()),
  /** Third principal component, when the PCA map has one. */
  z: z.array(z.number()).nullable(),
  segment: z.array(z.number()),
});
export type RunMap = z.output<typeof runMapSchema>;
export type RunView = z.output<typeof runViewSchema>;

export const runListSchema = z.object({
  items: z.array(runSummarySchema),
  nextCursor: z.object({ createdAt: z.date(), id: z.string() }).nullable(),
});
export type RunList = z.output<typeof runListSchema>;
