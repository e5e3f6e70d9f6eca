import { z } from "zod";

export const RUN_ALGORITHMS = ["kmeans", "minibatch", "dbscan", "hierarchical", "gmm"] as const;
export type RunAlgorithm = (typeof RUN_ALGORITHMS)[number];

const featureName = z.string().trim().min(1).max(200);

/**
 * What a run is asked to do. Stored as given (after defaults) in `runs.config`, read back by the
 * worker, so it is versioned by shape: add optional fields, never change the meaning of one.
 */
export const runConfigSchema = z
  .object({
    /** Columns of the workspace's customer features; empty or missing: every numeric feature. */
    features: z.array(featureName).max(100).default([]),
    /** How features are put on one scale before clustering. */
    scaler: z.enum(["zscore", "robust", "minmax", "none"]).default("zscore"),
    /** Rows with a missing feature: fill with the feature's median, or leave the customer out. */
    missing: z.enum(["median", "drop"]).default("median"),
    algorithm: z.enum(RUN_ALGORITHMS).default("kmeans"),
    /** Number of segments, or "auto" to sweep kMin..kMax and choose (k-means family and gmm). */
    k: z.union([z.int().min(2).max(50), z.literal("auto")]).default("auto"),
    // Two segments rarely lead to two different policies: an automatic k starts at three.
    kMin: z.int().min(2).max(50).default(3),
    kMax: z.int().min(2).max(50).default(8),
    /**
     * "auto": strongly skewed features are reshaped (log(1 + x), or Yeo-Johnson with negative
     * values) before scaling; "none": used as they are.
     */
    transform: z.enum(["auto", "none"]).default("auto"),
    /** "set-aside": the few extreme customers (at most 2%) do not shape the segments, then join the nearest. */
    outliers: z.enum(["set-aside", "keep"]).default("set-aside"),
    /** An automatic k never makes a segment smaller than this share of the customers. */
    minSegmentShare: z.number().min(0).max(0.25).default(0.02),
    seed: z
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    /** DBSCAN: neighbourhood radius in scaled units (missing: suggested from the k-distance knee). */
    eps: z.number().positive().max(1e6).optional(),
    minSamples: z.int().min(2).max(1000).default(5),
    linkage: z.enum(["ward", "average", "complete", "single"]).default("ward"),
    covariance: z.enum(["full", "diag"]).default("full"),
    /** Give up after this long (the worker stops the computation and fails the run). */
    timeoutSeconds: z
      .int()
      .min(10)
      .max(23 * 60 * 60)
      .default(60 * 60),
    /** Customers drawn on the 2-D map of the result. */
    mapSampleSize: z.int().min(100).max(20_000).default(2_000),
  })
  .refine((c) => c.kMin <= c.kMax, { message: "kMin must not exceed kMax", path: ["kMin"] });

export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.output<typeof runConfigSchema>;

/** Parses a stored config (older rows may lack newer fields: defaults fill them). */
export function parseRunConfig(value: unknown): RunConfig {
  return runConfigSchema.parse(value);
}
