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
    kMin: z.int().min(2).max(50).default(2),
    kMax: z.int().min(2).max(50).default(10),
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
