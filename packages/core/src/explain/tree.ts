import { CoreInputError } from "../errors.js";
import type { Matrix } from "../matrix/matrix.js";
import { createRandom } from "../random/index.js";

export interface TreeNode {
  /** Feature split on; -1 for a leaf. */
  readonly feature: number;
  /** Rows with value <= threshold go left. */
  readonly threshold: number;
  readonly left: number;
  readonly right: number;
  /** Majority segment of the training rows reaching the node. */
  readonly prediction: number;
  readonly size: number;
  readonly gini: number;
}

export interface DecisionTree {
  readonly nodes: TreeNode[];
  readonly features: string[];
  readonly k: number;
}

export interface RuleCondition {
  readonly feature: string;
  readonly op: "<=" | ">";
  readonly threshold: number;
}

export interface SegmentRule {
  readonly segment: number;
  readonly conditions: RuleCondition[];
  /** "recency_days <= 31 and frequency > 6" */
  readonly text: string;
  /** Rows the rule selects. */
  readonly support: number;
  /** Share of the selected rows that are in the segment. */
  readonly precision: number;
  /** Share of the segment's rows the rule selects. */
  readonly recall: number;
}

export interface SurrogateRules {
  readonly tree: DecisionTree;
  /** Share of rows (noise excluded) whose segment the tree predicts, in %. */
  readonly fidelity: number;
  /** Rules per segment, best supported first. */
  readonly rules: SegmentRule[][];
}

export interface TreeOptions {
  /** Default 3. */
  readonly maxDepth?: number;
  /** Smallest leaf; default max(5, 1% of the rows fitted). */
  readonly minLeaf?: number;
  /** Fit on at most this many rows (seeded sample); fidelity is still measured on every row. Default 50,000. */
  readonly sampleSize?: number;
  readonly seed?: number;
}

function giniOf(counts: Float64Array, n: number): number {
  if (n === 0) return 0;
  let s = 0;
  for (const c of counts) s += c * c;
  return 1 - s / (n * n);
}

/**
 * A CART classification tree (Gini impurity, binary splits at midpoints between distinct
 * values, as scikit-learn's DecisionTreeClassifier) fitted to cluster labels. Rows labelled
 * -1 are ignored. Deterministic: ties between splits go to the lower feature index, then the
 * lower threshold.
 */
export function fitDecisionTree(
  x: Matrix,
  labels: Int32Array,
  features: ReadonlyArray<string>,
  options: TreeOptions = {},
): DecisionTree {
  const { d, data } = x;
  if (labels.length !== x.n) {
    throw new CoreInputError(`labels has ${labels.length} entries, expected ${x.n}`, { field: "labels" });
  }
  let k = 0;
  let rows: number[] = [];
  for (let i = 0; i < x.n; i++) {
    if (labels[i]! < 0) continue;
    rows.push(i);
    if (labels[i]! + 1 > k) k = labels[i]! + 1;
  }
  const sampleSize = options.sampleSize ?? 50_000;
  if (rows.length > sampleSize) {
    const random = createRandom(options.seed ?? 0);
    for (let t = 0; t < sampleSize; t++) {
      const s = t + random.int(rows.length - t);
      const tmp = rows[t]!;
      rows[t] = rows[s]!;
      rows[s] = tmp;
    }
    rows = rows.slice(0, sampleSize).sort((a, b) => a - b);
  }
  const maxDepth = options.maxDepth ?? 3;
  const minLeaf = Math.max(1, options.minLeaf ?? Math.max(5, Math.floor(rows.length * 0.01)));
  const nodes: TreeNode[] = [];
  const countsL = new Float64Array(k);
  const countsR = new Float64Array(k);

  const grow = (idx: number[], depth: number): number => {
    const counts = new Float64Array(k);
    for (const i of idx) counts[labels[i]!]!++;
    let prediction = 0;
    for (let c = 1; c < k; c++) if (counts[c]! > counts[prediction]!) prediction = c;
    const size = idx.length;
    const gini = giniOf(counts, size);
    const id = nodes.length;
    nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, prediction, size, gini });
    if (depth >= maxDepth || gini === 0 || size < 2 * minLeaf) return id;

    let bestScore = size * gini - 1e-12;
    let bestFeature = -1;
    let bestThreshold = 0;
    const order = idx.slice();
    for (let j = 0; j < d; j++) {
      order.sort((a, b) => data[a * d + j]! - data[b * d + j]! || a - b);
      countsL.fill(0);
      countsR.set(counts);
      let sqL = 0;
      let sqR = 0;
      for (const c of counts) sqR += c * c;
      for (let p = 0; p < size - 1; p++) {
        const c = labels[order[p]!]!;
        sqL += 2 * countsL[c]! + 1;
        sqR -= 2 * countsR[c]! - 1;
        countsL[c]!++;
        countsR[c]!--;
        const nL = p + 1;
        const nR = size - nL;
        if (nL < minLeaf || nR < minLeaf) continue;
        const v = data[order[p]! * d + j]!;
        const next = data[order[p + 1]! * d + j]!;
        if (v === next) continue;
        // n * weighted Gini = nL - sqL / nL + nR - sqR / nR
        const score = nL - sqL / nL + nR - sqR / nR;
        if (score < bestScore) {
          bestScore = score;
          bestFeature = j;
          bestThreshold = v + (next - v) / 2;
        }
      }
    }
    if (bestFeature < 0) return id;
    const leftIdx: number[] = [];
    const rightIdx: number[] = [];
    for (const i of idx) (data[i * d + bestFeature]! <= bestThreshold ? leftIdx : rightIdx).push(i);
    const left = grow(leftIdx, depth + 1);
    const right = grow(rightIdx, depth + 1);
    nodes[id] = { ...nodes[id]!, feature: bestFeature, threshold: bestThreshold, left, right };
    return id;
  };
  if (rows.length > 0) grow(rows, 0);
  return { nodes, features: [...features], k };
}

/** Leaf reached by row i. */
function leafOf(tree: DecisionTree, x: Matrix, i: number): number {
  let node = 0;
  for (;;) {
    const t = tree.nodes[node]!;
    if (t.feature < 0) return node;
    node = x.data[i * x.d + t.feature]! <= t.threshold ? t.left : t.right;
  }
}

/** Segment the tree predicts for every row. */
export function predictTree(tree: DecisionTree, x: Matrix): Int32Array {
  const out = new Int32Array(x.n);
  for (let i = 0; i < x.n; i++) out[i] = tree.nodes[leafOf(tree, x, i)]!.prediction;
  return out;
}

/** A threshold written for people: at most four significant digits, no trailing zeros. */
export function formatThreshold(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  const text = v.toFixed(digits);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/**
 * Fits a surrogate tree and reads one rule per leaf: the path's conditions, merged to the
 * tightest bound per feature and direction, with support, precision and recall measured on
 * every row. Fidelity is the tree's agreement with the labels, in %.
 */
export function surrogateRules(
  x: Matrix,
  labels: Int32Array,
  features: ReadonlyArray<string>,
  options: TreeOptions = {},
): SurrogateRules {
  const tree = fitDecisionTree(x, labels, features, options);
  const k = tree.k;
  const leafHits = new Map<number, Float64Array>();
  const segmentSize = new Float64Array(k);
  let agree = 0;
  let total = 0;
  if (tree.nodes.length > 0) {
    for (let i = 0; i < x.n; i++) {
      const l = labels[i]!;
      if (l < 0) continue;
      const leaf = leafOf(tree, x, i);
      let hits = leafHits.get(leaf);
      if (!hits) {
        hits = new Float64Array(k);
        leafHits.set(leaf, hits);
      }
      hits[l]!++;
      segmentSize[l]!++;
      total++;
      if (tree.nodes[leaf]!.prediction === l) agree++;
    }
  }
  const rules: SegmentRule[][] = Array.from({ length: k }, () => []);
  const walk = (node: number, path: Array<{ feature: number; op: "<=" | ">"; threshold: number }>): void => {
    const t = tree.nodes[node]!;
    if (t.feature >= 0) {
      walk(t.left, [...path, { feature: t.feature, op: "<=", threshold: t.threshold }]);
      walk(t.right, [...path, { feature: t.feature, op: ">", threshold: t.threshold }]);
      return;
    }
    const hits = leafHits.get(node);
    if (!hits) return;
    const support = hits.reduce((a, b) => a + b, 0);
    const merged = new Map<string, { feature: number; op: "<=" | ">"; threshold: number }>();
    for (const c of path) {
      const key = `${c.feature}${c.op}`;
      const prev = merged.get(key);
      if (!prev || (c.op === "<=" ? c.threshold < prev.threshold : c.threshold > prev.threshold))
        merged.set(key, c);
    }
    const conditions = [...merged.values()]
      .sort((a, b) => a.feature - b.feature || (a.op === ">" ? -1 : 1))
      .map((c) => ({ feature: tree.features[c.feature]!, op: c.op, threshold: c.threshold }));
    const segment = t.prediction;
    rules[segment]!.push({
      segment,
      conditions,
      text: conditions.length
        ? conditions.map((c) => `${c.feature} ${c.op} ${formatThreshold(c.threshold)}`).join(" and ")
        : "all customers",
      support,
      precision: support ? hits[segment]! / support : 0,
      recall: segmentSize[segment]! ? hits[segment]! / segmentSize[segment]! : 0,
    });
  };
  if (tree.nodes.length > 0) walk(0, []);
  for (const list of rules) list.sort((a, b) => b.support - a.support);
  return { tree, fidelity: total ? (100 * agree) / total : 0, rules };
}
