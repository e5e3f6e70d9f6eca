import { z } from "zod";

/**
 * The result document of a succeeded run (`runs.result`), as the worker writes it
 * (packages/api/src/jobs/run-executor.ts) and the result page reads it. Browser-safe: zod only.
 *
 * Versioned like the config: `version` is 1 for every document so far, and documents written before
 * the field existed parse as version 1. Only `k` and `sizes` are required; every other part is
 * defaulted (empty, or null where "absent" means something) so a run stored before a part existed
 * still opens, as do the leaner documents tests write. The worker writes every part
 * (`satisfies RunResultDoc` in run-executor.ts); add new parts the same way, optional or defaulted.
 */
export const RUN_RESULT_VERSION = 1;

/**
 * A number as a JSON document keeps it: JSON has no NaN or Infinity and stores them as null, which
 * reads back as NaN (shown as "–"); NaN itself passes so a parsed document parses again unchanged.
 */
/** A number as a JSON document stores it: NaN is written as null and read back as NaN. */
export const storedNumber = z.union([z.number(), z.nan(), z.null()]).transform((v) => v ?? Number.NaN);
const optionalNumber = z.number().nullable();

export const modelSelectionPointSchema = z.object({
  k: z.number(),
  inertia: storedNumber,
  silhouette: optionalNumber,
  calinskiHarabasz: optionalNumber,
  daviesBouldin: optionalNumber,
  /** Shares of the smallest and largest segment, 0..1 (runs since issue 15). */
  minShare: optionalNumber.optional(),
  maxShare: optionalNumber.optional(),
  /** Mean adjusted Rand index of k-means over bootstrap resamples (runs since issue 15). */
  stability: optionalNumber.optional(),
});
export type ModelSelectionPoint = z.output<typeof modelSelectionPointSchema>;

/** How a feature was reshaped before scaling. */
export const featureTransformSchema = z.object({
  feature: z.string(),
  kind: z.enum(["none", "log1p", "yeo-johnson"]),
  lambda: z.number().optional(),
  skewBefore: optionalNumber,
  skewAfter: optionalNumber,
});
export type FeatureTransform = z.output<typeof featureTransformSchema>;

/** Customers set aside while fitting, then given their nearest segment. */
export const outlierSummarySchema = z.object({
  count: z.number(),
  share: storedNumber,
  /** Robust standard deviations from the median beyond which a customer counts as extreme. */
  threshold: storedNumber,
  byFeature: z.array(z.object({ feature: z.string(), count: z.number() })),
  /** Ids of the customers set aside, most extreme first (at most a few hundred). */
  customers: z.array(z.string()),
});
export type OutlierSummary = z.output<typeof outlierSummarySchema>;

export const mapPointSchema = z.object({
  customerId: z.string(),
  x: storedNumber,
  y: storedNumber,
  /** Third principal component (PCA map of runs with three or more features, since the 3-D map). */
  z: storedNumber.optional(),
  segment: z.number(),
});
export type MapPoint = z.output<typeof mapPointSchema>;

const numbers = z.array(optionalNumber);

export const segmentExplanationSchema = z.object({
  segment: z.number(),
  size: z.number(),
  share: storedNumber,
  name: z.string(),
  mean: numbers,
  median: numbers,
  /** (segment mean - overall mean) / overall sd, per feature. */
  deviation: numbers,
  /** Indices of the features that set the segment apart most. */
  top: z.array(z.number()),
  rules: z.array(
    z.object({
      text: z.string(),
      support: storedNumber,
      precision: storedNumber,
      recall: storedNumber,
      /** Runs before rule sources lack it: their rules all came from the tree. */
      source: z.enum(["tree", "one-vs-rest"]).default("tree"),
      /** The rule's conditions, structured (absent on older runs: parse `text`). */
      conditions: z
        .array(z.object({ feature: z.string(), op: z.enum(["<=", ">"]), threshold: z.number() }))
        .optional(),
    }),
  ),
  /** The segment's rules together (absent on older runs). */
  ruleFit: z.object({ precision: storedNumber, recall: storedNumber }).optional(),
});
export type SegmentExplanation = z.output<typeof segmentExplanationSchema>;

/** Profiles, rules, names and correlations of the segments (issue 6; absent on older runs). */
export const explanationSchema = z.object({
  features: z.array(z.string()),
  overall: z.object({ mean: numbers, sd: numbers }),
  segments: z.array(segmentExplanationSchema),
  /** Share of customers (noise excluded) whose segment the surrogate tree predicts, in %. */
  fidelity: storedNumber,
  /** DBSCAN noise described like a segment (segment -1). */
  noiseProfile: segmentExplanationSchema.nullable().optional(),
  correlation: z.array(numbers),
  noise: z.number(),
});
export type Explanation = z.output<typeof explanationSchema>;

/** Parts only some algorithms have; other keys an algorithm adds are kept. */
export const algorithmDetailsSchema = z.looseObject({
  /** DBSCAN */
  eps: z.number().optional(),
  minSamples: z.number().optional(),
  noise: z.number().optional(),
  /** Hierarchical */
  linkage: z.string().optional(),
  dendrogram: z.object({ rows: z.number(), lastMerges: z.array(storedNumber) }).optional(),
});
export type AlgorithmDetails = z.output<typeof algorithmDetailsSchema>;

const mapSchema = z.object({
  method: z.string().default("pca"),
  explainedVarianceRatio: z.array(storedNumber).default([]),
  points: z.array(mapPointSchema).default([]),
});

export const runResultSchema = z.object({
  /** 1 for every document so far (missing on documents stored before it existed). */
  version: z.literal(RUN_RESULT_VERSION).default(RUN_RESULT_VERSION),
  /** Missing on the very first runs, which were all k-means. */
  algorithm: z.string().default("kmeans"),
  algorithmDetails: algorithmDetailsSchema.default({}),
  k: z.number(),
  sizes: z.array(z.number()),
  /** Features actually used (constant ones are left out) and the ones left out, with why. */
  features: z.array(z.string()).default([]),
  droppedFeatures: z.array(z.object({ feature: z.string(), reason: z.string() })).default([]),
  scaler: z
    .object({ kind: z.string(), center: z.array(storedNumber), scale: z.array(storedNumber) })
    .nullable()
    .default(null),
  /** Segment centres in scaled units and in the features' own units (k x features). */
  centroids: z.array(z.array(storedNumber)).default([]),
  centroidsOriginal: z.array(z.array(storedNumber)).default([]),
  modelSelection: z.array(modelSelectionPointSchema).default([]),
  chosenK: z.object({ k: z.number(), reason: z.string() }).default({ k: 0, reason: "" }),
  preparation: z
    .object({
      rowsIn: z.number(),
      rowsUsed: z.number(),
      rowsDropped: z.number(),
      valuesImputed: z.number(),
      /** Customers of the workspace when the run started (absent on older runs). */
      customersInWorkspace: z.number().optional(),
    })
    .nullable()
    .default(null),
  /** How skewed features were reshaped (empty on runs before reshaping existed). */
  transforms: z.array(featureTransformSchema).default([]),
  /** Null on runs before outliers were set aside. */
  outliers: outlierSummarySchema.nullable().default(null),
  /** k-means stability of the chosen k (null when not measured, and on older runs). */
  stability: optionalNumber.default(null),
  /** PCA coordinates of a sample of the customers. */
  map: mapSchema.default({ method: "pca", explainedVarianceRatio: [], points: [] }),
  explanation: explanationSchema.nullable().default(null),
  /** The t-SNE map of a sample (empty on older runs). */
  tsne: z.array(mapPointSchema).default([]),
  /** The run stored its segments first and is still drawing the t-SNE map (it arrives in `tsne`). */
  tsnePending: z.boolean().default(false),
  /**
   * The fitted model (core's `SegmentModel`: transforms, fill values, scaler, centroids or mixture)
   * that assigns any customer a segment; null on runs before it was kept. Read through core's model
   * parser, not trusted as stored.
   */
  model: z.record(z.string(), z.unknown()).nullable().default(null),
});

/** A result document as stored and as read (every part present after parsing). */
export type RunResultDoc = z.output<typeof runResultSchema>;
/** What a stored document may look like (older ones lack the newer parts). */
export type StoredRunResultDoc = z.input<typeof runResultSchema>;

/** Parses a stored result document; older documents get their missing parts filled in. */
export function parseRunResult(value: unknown): RunResultDoc {
  return runResultSchema.parse(value);
}

/** Summary numbers of a result (`runs.metrics`), every one optional (older runs have fewer). */
export const runMetricsSchema = z.object({
  inertia: optionalNumber.optional(),
  silhouette: optionalNumber.optional(),
  calinskiHarabasz: optionalNumber.optional(),
  daviesBouldin: optionalNumber.optional(),
  noiseShare: optionalNumber.optional(),
  k: z.number().optional(),
  rows: z.number().optional(),
  features: z.number().optional(),
});
export type RunMetrics = z.output<typeof runMetricsSchema>;
