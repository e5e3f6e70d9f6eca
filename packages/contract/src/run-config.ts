import { z } from "zod";

/**
 * What a run is asked to do, shared by the api (validation, storage), the worker (which reads it
 * back) and the browser (the run form's fields, defaults and errors). Browser-safe: zod only.
 *
 * Versioned: `version` is 1 for every config so far. Configs stored before the field existed lack
 * it and parse as version 1. Within a version, add optional or defaulted fields only and never change
 * what a stored value means. A change that would need a new version gets its own schema and a
 * migration step in `parseRunConfig`.
 */
export const RUN_CONFIG_VERSION = 1;

export const RUN_ALGORITHMS = ["kmeans", "minibatch", "dbscan", "hierarchical", "gmm"] as const;
export type RunAlgorithm = (typeof RUN_ALGORITHMS)[number];

/** The algorithms as the UI offers them (in the run form's order), with what each is good for. */
export const RUN_ALGORITHM_OPTIONS: ReadonlyArray<{
  value: RunAlgorithm;
  /** Short name, used in run titles and lists. */
  label: string;
  /** The run form's longer name, when it says more than the short one. */
  formLabel: string;
  hint: string;
}> = [
  {
    value: "kmeans",
    label: "k-means",
    formLabel: "k-means",
    hint: "Round groups of similar size; the usual first choice.",
  },
  {
    value: "minibatch",
    label: "Mini-batch k-means",
    formLabel: "Mini-batch k-means",
    hint: "k-means on batches: for very many customers.",
  },
  {
    value: "gmm",
    label: "Gaussian mixture",
    formLabel: "Gaussian mixture",
    hint: "Soft, elliptical groups; slower.",
  },
  {
    value: "hierarchical",
    label: "Hierarchical",
    formLabel: "Hierarchical (agglomerative)",
    hint: "A merge tree cut into k groups; up to a few tens of thousands of customers.",
  },
  {
    value: "dbscan",
    label: "DBSCAN",
    formLabel: "DBSCAN",
    hint: "Finds dense groups by itself and leaves outliers as noise; no k.",
  },
];

/** Short name per algorithm ("k-means", "DBSCAN", ...). */
export const ALGORITHM_LABELS: Readonly<Record<RunAlgorithm, string>> = Object.fromEntries(
  RUN_ALGORITHM_OPTIONS.map((a) => [a.value, a.label]),
) as Record<RunAlgorithm, string>;

/** The label of an algorithm name read from a stored document (an unknown one is shown as is). */
export function algorithmLabel(algorithm: string | undefined): string {
  const name = algorithm ?? "kmeans";
  return (ALGORITHM_LABELS as Readonly<Record<string, string>>)[name] ?? name;
}

export const RUN_SCALERS = ["zscore", "robust", "minmax", "none"] as const;
export const RUN_MISSING = ["median", "drop"] as const;
export const RUN_TRANSFORMS = ["auto", "none"] as const;
export const RUN_OUTLIERS = ["set-aside", "keep"] as const;
export const RUN_LINKAGES = ["ward", "average", "complete", "single"] as const;
export const RUN_COVARIANCES = ["full", "diag"] as const;

const featureName = z.string().trim().min(1, "A feature needs a name").max(200);
const segmentCount = z
  .int("Enter a whole number")
  .min(2, "At least 2 segments")
  .max(50, "At most 50 segments");

export const runConfigSchema = z
  .object({
    /** 1 for every config so far (missing on configs stored before it existed). */
    version: z.literal(RUN_CONFIG_VERSION).default(RUN_CONFIG_VERSION),
    /** Columns of the workspace's customer features; empty or missing: every numeric feature. */
    features: z.array(featureName).max(100, "Choose at most 100 features").default([]),
    /** How features are put on one scale before clustering. */
    scaler: z.enum(RUN_SCALERS).default("zscore"),
    /** Rows with a missing feature: fill with the feature's median, or leave the customer out. */
    missing: z.enum(RUN_MISSING).default("median"),
    algorithm: z.enum(RUN_ALGORITHMS).default("kmeans"),
    /** Number of segments, or "auto" to sweep kMin..kMax and choose (k-means family and gmm). */
    k: z.union([segmentCount, z.literal("auto")]).default("auto"),
    // Two segments rarely lead to two different policies: an automatic k starts at three.
    kMin: segmentCount.default(3),
    kMax: segmentCount.default(8),
    /**
     * "auto": strongly skewed features are reshaped (log(1 + x), or Yeo-Johnson with negative
     * values) before scaling; "none": used as they are.
     */
    transform: z.enum(RUN_TRANSFORMS).default("auto"),
    /** "set-aside": the few extreme customers (at most 2%) do not shape the segments, then join the nearest. */
    outliers: z.enum(RUN_OUTLIERS).default("set-aside"),
    /** An automatic k never makes a segment smaller than this share of the customers (0..0.25). */
    minSegmentShare: z
      .number("Enter a number")
      .min(0, "The smallest segment cannot be below 0%")
      .max(0.25, "The smallest segment can be at most 25%")
      .default(0.02),
    seed: z
      .int("Enter a whole number")
      .min(0, "The seed cannot be negative")
      .max(2 ** 31 - 1, "The seed is too large")
      .default(0),
    /** DBSCAN: neighbourhood radius in scaled units (missing: suggested from the k-distance knee). */
    eps: z.number("Enter a number").positive("The radius must be above 0").max(1e6).optional(),
    minSamples: z
      .int("Enter a whole number")
      .min(2, "At least 2 customers")
      .max(1000, "At most 1000 customers")
      .default(5),
    linkage: z.enum(RUN_LINKAGES).default("ward"),
    covariance: z.enum(RUN_COVARIANCES).default("full"),
    /** Give up after this long (the worker stops the computation and fails the run). */
    timeoutSeconds: z
      .int()
      .min(10)
      .max(23 * 60 * 60)
      .default(60 * 60),
    /** Customers drawn on the 2-D map of the result. */
    mapSampleSize: z.int().min(100).max(20_000).default(2_000),
  })
  .refine((c) => c.kMin <= c.kMax, { message: "From k must not exceed To k", path: ["kMin"] });

export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.output<typeof runConfigSchema>;

/** Parses a stored config (older rows may lack newer fields and the version: defaults fill them). */
export function parseRunConfig(value: unknown): RunConfig {
  return runConfigSchema.parse(value);
}

/** What a run with nothing chosen does: the schema's defaults, so the form cannot drift from them. */
export const RUN_CONFIG_DEFAULTS: RunConfig = runConfigSchema.parse({});

/** The fixed k the form offers when the user switches from "Choose automatically" to "Fixed". */
export const DEFAULT_FIXED_K = 4;

/** A request for a new run: an optional name and its config (missing: every default). */
export const runRequestSchema = z.object({
  name: z.string().trim().max(120, "At most 120 characters").optional(),
  config: runConfigSchema.prefault({}),
});
export type RunRequestInput = z.input<typeof runRequestSchema>;

/**
 * The run form's values: the request with its config spelled out (every field present from
 * `RUN_CONFIG_DEFAULTS`), so the browser validates with the schema the api applies.
 */
export const runFormSchema = z.object({ name: runRequestSchema.shape.name, config: runConfigSchema });
export type RunFormInput = z.input<typeof runFormSchema>;
export type RunFormValues = z.output<typeof runFormSchema>;

/** The run form's starting values. */
export const RUN_FORM_DEFAULTS: RunFormInput = { name: "", config: RUN_CONFIG_DEFAULTS };
