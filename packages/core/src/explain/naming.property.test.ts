import { describe, expect, it } from "vitest";
import { kmeans } from "../cluster/kmeans/index.js";
import type { Matrix } from "../matrix/matrix.js";
import { createRandom, type Random } from "../random/index.js";
import { explainSegments } from "./explain-segments.js";
import { readableFeature } from "./naming.js";

/** A synthetic table: columns, rows in original units, and the columns each role word speaks for. */
interface Shape {
  readonly features: string[];
  readonly x: Matrix;
  readonly roles: { recency?: number[]; frequency?: number[]; monetary?: number[]; basket?: number[] };
}

const lognormal = (random: Random, mu: number, sigma: number) => Math.exp(mu + sigma * random.normal());

/** UCI Online Retail RFM features: skewed, with basket size = spend / orders (so the two can disagree). */
function rfmShape(random: Random, n: number): Shape {
  const features = ["recency_days", "frequency", "monetary", "average_basket", "returns_share"];
  const data = new Float64Array(n * features.length);
  for (let i = 0; i < n; i++) {
    const engaged = random.normal();
    const recency = Math.min(373, lognormal(random, 3.8 - 0.6 * engaged, 1));
    const frequency = 1 + Math.floor(lognormal(random, 0.8 + 0.5 * engaged, 0.8));
    const basket = lognormal(random, 5.5 + 0.3 * random.normal(), 0.6);
    const monetary = frequency * basket * (0.7 + 0.6 * random.next());
    const returns = random.next() < 0.7 ? 0 : random.next() * 0.4;
    data.set([recency, frequency, monetary, monetary / frequency, returns], i * features.length);
  }
  return {
    features,
    x: { data, n, d: features.length },
    roles: { recency: [0], frequency: [1], monetary: [2], basket: [3] },
  };
}

/** marketing_campaign.csv: Income, Recency, Mnt* spends and Num* purchase counts. */
function marketingShape(random: Random, n: number): Shape {
  const features = [
    "Income",
    "Recency",
    "MntWines",
    "MntFruits",
    "MntMeatProducts",
    "MntGoldProds",
    "NumWebPurchases",
    "NumStorePurchases",
    "NumWebVisitsMonth",
  ];
  const data = new Float64Array(n * features.length);
  for (let i = 0; i < n; i++) {
    const wealth = random.normal();
    const taste = random.normal();
    const income = Math.max(2000, 52000 + 20000 * wealth + 5000 * random.normal());
    const spend = (mu: number, t: number) => Math.round(lognormal(random, mu + 0.9 * wealth + t, 0.7));
    data.set(
      [
        income,
        random.int(100),
        spend(5, 0.5 * taste),
        spend(2.5, -0.5 * taste),
        spend(4.5, 0),
        spend(3.2, 0.3 * random.normal()),
        Math.max(0, Math.round(4 + 1.5 * wealth + 2 * random.normal())),
        Math.max(0, Math.round(6 + 2 * wealth + 2.5 * random.normal())),
        Math.max(0, Math.round(5 - 1.5 * wealth + 2 * random.normal())),
      ],
      i * features.length,
    );
  }
  return {
    features,
    x: { data, n, d: features.length },
    roles: { recency: [1], frequency: [6, 7], monetary: [2, 3, 4, 5] },
  };
}

/** Mall_Customers.csv: two or three columns, no RFM roles (one spend-like score is not enough). */
function mallShape(random: Random, n: number, d: number): Shape {
  const all = ["Annual Income (k$)", "Spending Score (1-100)", "Age"];
  const features = all.slice(0, d);
  const data = new Float64Array(n * d);
  const centres = [
    [25, 20],
    [25, 80],
    [55, 50],
    [88, 17],
    [87, 82],
  ];
  for (let i = 0; i < n; i++) {
    const c = centres[random.int(centres.length)]!;
    const row = [
      Math.max(15, c[0]! + 10 * random.normal()),
      Math.min(99, Math.max(1, c[1]! + 10 * random.normal())),
      Math.round(Math.min(70, Math.max(18, 38 + 13 * random.normal()))),
    ];
    data.set(row.slice(0, d), i * d);
  }
  return { features, x: { data, n, d }, roles: {} };
}

/** Clusters on z-scores (as the app does) and explains in original units. */
function segmentNames(shape: Shape, k: number, seed: number) {
  const { n, d, data } = shape.x;
  const z = new Float64Array(data.length);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += data[i * d + j]! / n;
    let sd = 0;
    for (let i = 0; i < n; i++) sd += (data[i * d + j]! - mean) ** 2 / n;
    sd = Math.sqrt(sd) || 1;
    for (let i = 0; i < n; i++) z[i * d + j] = (data[i * d + j]! - mean) / sd;
  }
  const { labels } = kmeans({ data: z, n, d }, k, { seed, nInit: 1 });
  return explainSegments(shape.x, labels, shape.features);
}

/** Role words a name may use, with the sign they claim for the role's columns. */
const ROLE_WORDS: Array<{ word: RegExp; role: keyof Shape["roles"]; sign: 1 | -1 }> = [
  { word: /\blaps(ed|ing)\b/i, role: "recency", sign: 1 },
  { word: /\brecent|\bnew customers/i, role: "recency", sign: -1 },
  { word: /high spenders|high value/i, role: "monetary", sign: 1 },
  { word: /bargain|low value|\blow spend\b/i, role: "monetary", sign: -1 },
  { word: /\bfrequent\b/i, role: "frequency", sign: 1 },
  { word: /infrequent|occasional/i, role: "frequency", sign: -1 },
  { word: /big-ticket/i, role: "basket", sign: 1 },
  { word: /small-basket/i, role: "basket", sign: -1 },
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function contradictions(shape: Shape, names: string[], deviations: Float64Array[]): string[] {
  const problems: string[] = [];
  names.forEach((name, s) => {
    const dev = deviations[s]!;
    const base = name.replace(/\s*\(.*\)$/, "");
    for (const { word, role, sign } of ROLE_WORDS) {
      if (!word.test(base)) continue;
      const columns = shape.roles[role];
      if (!columns) {
        problems.push(`"${name}" uses a ${role} word but the table has no ${role} column`);
        continue;
      }
      for (const j of columns) {
        if (!(Math.sign(dev[j]!) === sign)) {
          problems.push(
            `"${name}": ${shape.features[j]} deviation ${dev[j]!.toFixed(2)} contradicts ${word}`,
          );
        }
      }
    }
    shape.features.forEach((feature, j) => {
      const label = escapeRegExp(readableFeature(feature));
      const high = new RegExp(`\\b(high|above-average) ${label}(?![\\w])`, "i");
      const low = new RegExp(`\\b(low|below-average) ${label}(?![\\w])`, "i");
      if (high.test(name) && !(dev[j]! > 0)) problems.push(`"${name}": ${feature} is ${dev[j]!.toFixed(2)}`);
      if (low.test(name) && !(dev[j]! < 0)) problems.push(`"${name}": ${feature} is ${dev[j]!.toFixed(2)}`);
    });
  });
  return problems;
}

describe("segment names agree with the numbers", () => {
  const shapes: Array<[string, (random: Random) => Shape]> = [
    ["RFM-like skewed data", (random) => rfmShape(random, 300)],
    ["marketing-like Mnt*/Num* columns", (random) => marketingShape(random, 300)],
    ["Mall-like two columns", (random) => mallShape(random, 200, 2)],
    ["Mall-like three columns", (random) => mallShape(random, 200, 3)],
  ];

  for (const [title, make] of shapes) {
    it(`names every segment consistently with its deviations and uniquely per run: ${title}`, () => {
      const problems: string[] = [];
      for (let seed = 0; seed < 12; seed++) {
        const shape = make(createRandom(1000 + seed));
        for (let k = 2; k <= 8; k++) {
          const e = segmentNames(shape, k, seed);
          const names = e.names;
          const where = `seed ${seed}, k ${k}`;
          // "High income, low age" and "Low age, high income" are the same name to a reader.
          const canonical = names.map((name) => name.toLowerCase().split(", ").sort().join(", "));
          if (new Set(canonical).size !== names.length) {
            problems.push(`${where}: duplicate names ${names.join(" | ")}`);
          }
          for (const name of names) {
            if (/ \d+$/.test(name)) problems.push(`${where}: number suffix in "${name}"`);
          }
          for (const p of contradictions(
            shape,
            names,
            e.profiles.segments.map((s) => s.deviation),
          )) {
            problems.push(`${where}: ${p}`);
          }
          e.profiles.segments.forEach((segment, s) => {
            const rules = e.rules.rules[s]!;
            if (segment.size > 0 && rules.length === 0) problems.push(`${where}: segment ${s} has no rule`);
            for (const r of rules) {
              if (!(r.precision > 0 && r.precision <= 1 && r.recall > 0 && r.recall <= 1)) {
                problems.push(
                  `${where}: segment ${s} rule "${r.text}" precision ${r.precision} recall ${r.recall}`,
                );
              }
            }
            const fit = e.rules.segmentFit[s]!;
            if (segment.size > 0 && !(fit.recall > 0 && fit.precision > 0)) {
              problems.push(`${where}: segment ${s} rules cover none of it`);
            }
          });
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
