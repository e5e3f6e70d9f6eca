import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ALGORITHM_LABELS,
  parseRunConfig,
  parseRunResult,
  RUN_ALGORITHM_OPTIONS,
  RUN_ALGORITHMS,
  RUN_CONFIG_DEFAULTS,
  runConfigSchema,
  runRequestSchema,
  runResultSchema,
  runViewSchema,
} from "./index.js";

/** A result document as the first runs stored it (before algorithms, explanations, reshaping, outliers). */
const FIRST_VERSION_DOC = {
  k: 2,
  sizes: [3, 2],
  features: ["monetary", "frequency"],
  droppedFeatures: [{ feature: "tenure", reason: "constant" }],
  scaler: { kind: "zscore", center: [10, 2], scale: [4, 1] },
  centroids: [
    [-0.5, -0.4],
    [0.8, 0.6],
  ],
  centroidsOriginal: [
    [8, 1.6],
    [13.2, 2.6],
  ],
  modelSelection: [
    { k: 2, inertia: 3.1, silhouette: 0.61, calinskiHarabasz: 12.5, daviesBouldin: 0.4 },
    { k: 3, inertia: 2.2, silhouette: 0.42, calinskiHarabasz: 10.1, daviesBouldin: 0.7 },
  ],
  chosenK: { k: 2, reason: "Best silhouette" },
  preparation: { rowsIn: 5, rowsUsed: 5, rowsDropped: 0, valuesImputed: 0 },
  map: {
    method: "pca",
    explainedVarianceRatio: [0.9, 0.1],
    points: [{ customerId: "c1", x: 0.1, y: -0.2, segment: 0 }],
  },
};

const SEGMENT = {
  segment: 0,
  size: 3,
  share: 0.6,
  name: "Low spenders",
  mean: [8, 1.6],
  median: [8, 2],
  deviation: [-0.5, null],
  top: [0, 1],
  rules: [{ text: "monetary <= 10", support: 3, precision: 1, recall: 1, source: "tree" as const }],
  ruleFit: { precision: 1, recall: 1 },
};

/** A result document as a run writes it today. */
const NEW_DOC = {
  ...FIRST_VERSION_DOC,
  version: 1,
  algorithm: "dbscan",
  algorithmDetails: { eps: 0.5, minSamples: 5, noise: 1 },
  modelSelection: FIRST_VERSION_DOC.modelSelection.map((p) => ({
    ...p,
    minShare: 0.4,
    maxShare: 0.6,
    stability: 0.9,
  })),
  preparation: { ...FIRST_VERSION_DOC.preparation, customersInWorkspace: 6 },
  transforms: [{ feature: "monetary", kind: "log1p", skewBefore: 3.2, skewAfter: 0.4 }],
  outliers: {
    count: 1,
    share: 0.2,
    threshold: 6,
    byFeature: [{ feature: "monetary", count: 1 }],
    customers: ["c5"],
  },
  stability: 0.9,
  map: {
    method: "pca",
    explainedVarianceRatio: [0.7, 0.2, 0.1],
    points: [{ customerId: "c1", x: 0.1, y: -0.2, z: 0.3, segment: 0 }],
  },
  explanation: {
    features: ["monetary", "frequency"],
    overall: { mean: [10, 2], sd: [4, 1] },
    segments: [SEGMENT],
    fidelity: 100,
    noiseProfile: { ...SEGMENT, segment: -1, name: "Noise" },
    correlation: [
      [1, 0.5],
      [0.5, 1],
    ],
    noise: 1,
  },
  tsne: [{ customerId: "c1", x: 1, y: 2, segment: 0 }],
  tsnePending: false,
  model: {
    version: 1,
    kind: "centroids",
    algorithm: "kmeans",
    features: ["recency_days", "monetary"],
    centroids: [
      [0.5, -1],
      [-0.4, 0.8],
    ],
  },
};

describe("run result contract", () => {
  it("opens a result stored by the first runs, filling every later part with its empty value", () => {
    const result = parseRunResult(FIRST_VERSION_DOC);
    expect(result).toMatchObject({
      version: 1,
      algorithm: "kmeans",
      algorithmDetails: {},
      k: 2,
      transforms: [],
      outliers: null,
      stability: null,
      explanation: null,
      tsne: [],
      tsnePending: false,
    });
    expect(result.preparation?.customersInWorkspace).toBeUndefined();
    expect(result.modelSelection[0]?.minShare).toBeUndefined();
  });

  it("reads a result written today with every part as written", () => {
    const result = parseRunResult(NEW_DOC);
    expect(result).toEqual(NEW_DOC);
  });

  it("reads rules stored before rule sources as the tree's", () => {
    const { source: _source, ...rule } = SEGMENT.rules[0]!;
    const doc = {
      ...NEW_DOC,
      explanation: { ...NEW_DOC.explanation, segments: [{ ...SEGMENT, rules: [rule] }] },
    };
    expect(parseRunResult(doc).explanation?.segments[0]?.rules[0]?.source).toBe("tree");
  });

  it("reads numbers that JSON stored as null (NaN) back as NaN, and parses its own output again", () => {
    const stored = JSON.parse(JSON.stringify({ ...NEW_DOC, centroids: [[Number.NaN, 1]] })) as unknown;
    const result = parseRunResult(stored);
    expect(result.centroids[0]?.[0]).toBeNaN();
    expect(runResultSchema.parse(result)).toEqual(result);
  });

  it("opens a lean document with only k and sizes, with empty parts", () => {
    const result = parseRunResult({ algorithm: "dbscan", k: 2, sizes: [10, 5] });
    expect(result).toMatchObject({
      algorithm: "dbscan",
      modelSelection: [],
      preparation: null,
      chosenK: { k: 0, reason: "" },
      map: { method: "pca", points: [], explainedVarianceRatio: [] },
    });
  });

  it("names the missing part of a document that is not a result", () => {
    const { sizes: _sizes, ...broken } = FIRST_VERSION_DOC;
    const parsed = runResultSchema.safeParse(broken);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["sizes"]);
  });

  it("opens an old run through the view schema the api returns", () => {
    const view = runViewSchema.parse({
      id: "2b7f0d1e-8a8e-4a57-9f59-2f1d9c6a1b00",
      name: null,
      config: { algorithm: "kmeans", k: "auto", kMin: 2, kMax: 6 },
      status: "succeeded",
      progress: { stage: "Done", percent: 100 },
      metrics: { k: 2, silhouette: 0.61, rows: 5, features: 2 },
      error: null,
      attempt: 1,
      maxAttempts: 3,
      timings: { totalMs: 120 },
      createdBy: null,
      createdAt: new Date(0),
      queuedAt: new Date(0),
      startedAt: new Date(0),
      finishedAt: new Date(0),
      result: FIRST_VERSION_DOC,
    });
    expect(view.config).toMatchObject({ version: 1, kMin: 2, transform: "auto", outliers: "set-aside" });
    expect(view.result?.tsne).toEqual([]);
  });
});

describe("run config contract", () => {
  it("fills a config stored before versions and newer settings with the defaults", () => {
    const config = parseRunConfig({ features: ["monetary"], algorithm: "gmm", k: 4 });
    expect(config).toMatchObject({
      version: 1,
      features: ["monetary"],
      algorithm: "gmm",
      k: 4,
      kMin: 3,
      kMax: 8,
      transform: "auto",
      outliers: "set-aside",
      minSegmentShare: 0.02,
    });
    expect(config.eps).toBeUndefined();
  });

  it("gives the run form the schema's own defaults", () => {
    expect(RUN_CONFIG_DEFAULTS).toEqual(runConfigSchema.parse({}));
    expect(RUN_CONFIG_DEFAULTS).toMatchObject({ algorithm: "kmeans", k: "auto", kMin: 3, kMax: 8, seed: 0 });
    expect(runRequestSchema.parse({}).config).toEqual(RUN_CONFIG_DEFAULTS);
  });

  it("names the field of a bad setting", () => {
    const cases: Array<[unknown, string[]]> = [
      [{ kMin: 1 }, ["kMin"]],
      [{ kMin: 7, kMax: 4 }, ["kMin"]],
      [{ minSegmentShare: 0.5 }, ["minSegmentShare"]],
      [{ k: 2.5 }, ["k"]],
      [{ algorithm: "spectral" }, ["algorithm"]],
      [{ eps: Number.NaN }, ["eps"]],
      [{ version: 2 }, ["version"]],
    ];
    for (const [input, path] of cases) {
      const parsed = runConfigSchema.safeParse(input);
      expect(parsed.success, JSON.stringify(input)).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(path);
    }
    expect(runConfigSchema.safeParse({ kMin: 7, kMax: 4 }).error?.issues[0]?.message).toBe(
      "From k must not exceed To k",
    );
  });

  it("labels every algorithm the schema accepts", () => {
    expect(RUN_ALGORITHM_OPTIONS.map((a) => a.value).sort()).toEqual([...RUN_ALGORITHMS].sort());
    for (const algorithm of RUN_ALGORITHMS) expect(ALGORITHM_LABELS[algorithm]).toBeTruthy();
  });
});

describe("the contract package", () => {
  it("depends on zod alone", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(["zod"]);
  });

  it("imports nothing but zod and its own files, so the browser bundle can take it", () => {
    const dir = new URL(".", import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    expect(sources.length).toBeGreaterThan(0);
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), "utf8");
      const imports = [...text.matchAll(/^(?:import|export)\b[^;]*?\sfrom\s+"([^"]+)"/gm)].map((m) => m[1]);
      for (const source of imports)
        expect(source, `${file} imports ${source}`).toMatch(/^(zod|\.\/[\w-]+\.js)$/);
    }
  });
});
