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
  /**
   * "tree": a leaf of the surrogate tree for all segments; "one-vs-rest": a leaf of a shallow tree
   * fitted to this segment against the rest, for a segment the surrogate tree predicts nowhere.
   */
  readonly source: "tree" | "one-vs-rest";
}

/** How well a segment's rules, taken together, describe it. */
export interface SegmentRuleFit {
  /** Share of the rows some rule of the segment selects that are in the segment. */
  readonly precision: number;
  /** Share of the segment's rows some rule of the segment selects. */
  readonly recall: number;
}

export interface SurrogateRules {
  readonly tree: DecisionTree;
  /** Share of rows (noise excluded) whose segment the tree predicts, in %. */
  readonly fidelity: number;
  /** Rules per segment, the ones covering most of the segment first. Empty only for an empty segment. */
  readonly rules: SegmentRule[][];
  /** Per segment, its rules together (leaves are disjoint, so their union). */
  readonly segmentFit: SegmentRuleFit[];
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

  // The fitted rows are numbered 0..m-1 in row order ("positions"). Each feature's positions are
  // sorted once, by value then row (scikit-learn presorts the same way); a split hands each child
  // its part of every feature's order, partitioned stably, so every node reads its rows in sorted
  // order without sorting or scanning the rows of other nodes.
  const m = rows.length;
  const rowLabel = new Int32Array(m);
  for (let p = 0; p < m; p++) rowLabel[p] = labels[rows[p]!]!;
  // Made when the root is split, not before: a one-vs-rest tree over a pure segment is one leaf.
  let values: Float64Array[] = [];
  const presort = (): Int32Array[] => {
    values = Array.from({ length: d }, () => new Float64Array(m));
    for (let p = 0; p < m; p++) {
      const o = rows[p]! * d;
      for (let j = 0; j < d; j++) values[j]![p] = data[o + j]!;
    }
    return values.map((column) => orderByValueThenPosition(column));
  };
  const goesLeft = new Uint8Array(m);

  /**
   * Grows the node holding the positions `members` (ascending); `orders[j]` holds the same
   * positions ordered by feature j (null until the root is split).
   */
  const grow = (members: Int32Array, given: Int32Array[] | null, depth: number): number => {
    const counts = new Float64Array(k);
    for (const p of members) counts[rowLabel[p]!]!++;
    let prediction = 0;
    for (let c = 1; c < k; c++) if (counts[c]! > counts[prediction]!) prediction = c;
    const size = members.length;
    const gini = giniOf(counts, size);
    const id = nodes.length;
    nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, prediction, size, gini });
    if (depth >= maxDepth || gini === 0 || size < 2 * minLeaf) return id;
    const orders = given ?? presort();

    let bestScore = size * gini - 1e-12;
    let bestFeature = -1;
    let bestThreshold = 0;
    for (let j = 0; j < d; j++) {
      const column = values[j]!;
      const order = orders[j]!;
      countsL.fill(0);
      countsR.set(counts);
      let sqL = 0;
      let sqR = 0;
      for (const c of counts) sqR += c * c;
      for (let p = 0; p < size - 1; p++) {
        const c = rowLabel[order[p]!]!;
        sqL += 2 * countsL[c]! + 1;
        sqR -= 2 * countsR[c]! - 1;
        countsL[c]!++;
        countsR[c]!--;
        const nL = p + 1;
        const nR = size - nL;
        if (nL < minLeaf || nR < minLeaf) continue;
        const v = column[order[p]!]!;
        const next = column[order[p + 1]!]!;
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
    const split = values[bestFeature]!;
    let nLeft = 0;
    for (const p of members) {
      const left = split[p]! <= bestThreshold;
      goesLeft[p] = left ? 1 : 0;
      if (left) nLeft++;
    }
    const part = (positions: Int32Array): [Int32Array, Int32Array] => {
      const l = new Int32Array(nLeft);
      const r = new Int32Array(size - nLeft);
      for (let q = 0, a = 0, b = 0; q < size; q++) {
        const p = positions[q]!;
        if (goesLeft[p]) l[a++] = p;
        else r[b++] = p;
      }
      return [l, r];
    };
    const [leftMembers, rightMembers] = part(members);
    const childOrders = orders.map(part);
    const left = grow(
      leftMembers,
      childOrders.map((o) => o[0]),
      depth + 1,
    );
    const right = grow(
      rightMembers,
      childOrders.map((o) => o[1]),
      depth + 1,
    );
    nodes[id] = { ...nodes[id]!, feature: bestFeature, threshold: bestThreshold, left, right };
    return id;
  };
  if (m > 0) {
    const all = new Int32Array(m);
    for (let p = 0; p < m; p++) all[p] = p;
    grow(all, null, 0);
  }
  return { nodes, features: [...features], k };
}

/**
 * Positions 0..m-1 ordered by `column`'s value, ties by position: what a comparator sort gives,
 * from a stable least-significant-digit radix sort on the values' bits instead (a comparator call
 * per comparison was most of a surrogate tree's time). Each double is mapped to an unsigned 64-bit
 * key in the same order (sign bit flipped for positives, every bit for negatives; -0 counts as 0,
 * NaN last), sorted 16 bits a pass.
 */
export function orderByValueThenPosition(column: Float64Array): Int32Array {
  const m = column.length;
  const high = new Uint32Array(m);
  const low = new Uint32Array(m);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const hiWord = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
  for (let p = 0; p < m; p++) {
    const v = column[p]!;
    if (Number.isNaN(v)) {
      high[p] = 0xffffffff;
      low[p] = 0xffffffff;
      continue;
    }
    bits[0] = v === 0 ? 0 : v;
    const h = words[hiWord]!;
    const l = words[1 - hiWord]!;
    if (h & 0x80000000) {
      high[p] = ~h >>> 0;
      low[p] = ~l >>> 0;
    } else {
      high[p] = (h | 0x80000000) >>> 0;
      low[p] = l;
    }
  }
  let from = new Int32Array(m);
  for (let p = 0; p < m; p++) from[p] = p;
  let to = new Int32Array(m);
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? low : high;
    const shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let p = 0; p < m; p++) counts[(word[p]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const p = from[i]!;
      to[counts[(word[p]! >>> shift) & 0xffff]!++] = p;
    }
    const swap = from;
    from = to;
    to = swap;
  }
  return from;
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

type PathCondition = { feature: number; op: "<=" | ">"; threshold: number };

/** Each leaf's path, merged to the tightest bound per feature and direction. */
function leafPaths(tree: DecisionTree): Map<number, RuleCondition[]> {
  const out = new Map<number, RuleCondition[]>();
  const walk = (node: number, path: PathCondition[]): void => {
    const t = tree.nodes[node]!;
    if (t.feature >= 0) {
      walk(t.left, [...path, { feature: t.feature, op: "<=", threshold: t.threshold }]);
      walk(t.right, [...path, { feature: t.feature, op: ">", threshold: t.threshold }]);
      return;
    }
    const merged = new Map<string, PathCondition>();
    for (const c of path) {
      const key = `${c.feature}${c.op}`;
      const prev = merged.get(key);
      if (!prev || (c.op === "<=" ? c.threshold < prev.threshold : c.threshold > prev.threshold))
        merged.set(key, c);
    }
    out.set(
      node,
      [...merged.values()]
        .sort((a, b) => a.feature - b.feature || (a.op === ">" ? -1 : 1))
        .map((c) => ({ feature: tree.features[c.feature]!, op: c.op, threshold: c.threshold })),
    );
  };
  if (tree.nodes.length > 0) walk(0, []);
  return out;
}

/** Marks `count` of `rows` in `keep` (all of them when there are no more), seeded partial shuffle. */
function sampleInto(
  keep: Uint8Array,
  rows: number[],
  count: number,
  random: ReturnType<typeof createRandom>,
) {
  if (rows.length <= count) {
    for (const i of rows) keep[i] = 1;
    return;
  }
  for (let t = 0; t < count; t++) {
    const s = t + random.int(rows.length - t);
    const tmp = rows[t]!;
    rows[t] = rows[s]!;
    rows[s] = tmp;
    keep[rows[t]!] = 1;
  }
}

function ruleText(conditions: RuleCondition[]): string {
  return conditions.length
    ? conditions.map((c) => `${c.feature} ${c.op} ${formatThreshold(c.threshold)}`).join(" and ")
    : "all customers";
}

/**
 * A rule for a segment the surrogate tree predicts nowhere (typically a small one): a shallow tree
 * fitted to "this segment or not", on every row of the segment and a seeded sample of the others.
 * Its leaves where the segment is the majority become rules; failing that, the leaf with the best
 * F1 score, so the segment still gets its most telling description, with honest precision.
 */
function oneVsRestRules(
  x: Matrix,
  labels: Int32Array,
  features: ReadonlyArray<string>,
  segment: number,
  segmentSize: number,
  options: TreeOptions,
): SegmentRule[] {
  if (segmentSize === 0) return [];
  const sampleSize = options.sampleSize ?? 50_000;
  const inside: number[] = [];
  const others: number[] = [];
  for (let i = 0; i < x.n; i++) {
    if (labels[i] === segment) inside.push(i);
    else if (labels[i]! >= 0) others.push(i);
  }
  // A segment larger than half the sample is sampled too: the tree must see rows outside it, or it
  // is one pure leaf ("all customers").
  const keep = new Uint8Array(x.n);
  const random = createRandom((options.seed ?? 0) + 7919 * (segment + 1));
  const keptInside = Math.min(inside.length, Math.max(Math.ceil(sampleSize / 2), sampleSize - others.length));
  sampleInto(keep, inside, keptInside, random);
  sampleInto(keep, others, Math.max(0, sampleSize - keptInside), random);
  const binary = Int32Array.from(labels, (l, i) => (!keep[i] || l < 0 ? -1 : l === segment ? 1 : 0));
  const defaultMinLeaf = options.minLeaf ?? Math.max(5, Math.floor(x.n * 0.01));
  const tree = fitDecisionTree(x, binary, features, {
    maxDepth: Math.min(options.maxDepth ?? 3, 3),
    // A leaf must be able to hold the segment: a 12-row segment cannot hide behind minLeaf 50.
    minLeaf: Math.max(1, Math.min(defaultMinLeaf, Math.ceil(segmentSize / 3))),
    sampleSize: Number.POSITIVE_INFINITY,
  });
  // Precision and recall on every row, not the sample.
  const hits = new Map<number, { inside: number; support: number }>();
  for (let i = 0; i < x.n; i++) {
    if (labels[i]! < 0) continue;
    const leaf = leafOf(tree, x, i);
    const h = hits.get(leaf) ?? { inside: 0, support: 0 };
    h.support++;
    if (labels[i] === segment) h.inside++;
    hits.set(leaf, h);
  }
  const paths = leafPaths(tree);
  const candidates = [...hits.entries()]
    .filter(([, h]) => h.inside > 0)
    .map(([leaf, h]) => {
      const conditions = paths.get(leaf) ?? [];
      return {
        segment,
        conditions,
        text: ruleText(conditions),
        support: h.support,
        precision: h.inside / h.support,
        recall: h.inside / segmentSize,
        source: "one-vs-rest" as const,
      };
    });
  const majority = candidates.filter((r) => r.precision > 0.5 && r.conditions.length > 0);
  if (majority.length) return majority;
  const f1 = (r: SegmentRule) => (2 * r.precision * r.recall) / (r.precision + r.recall);
  const best = candidates.sort((a, b) => f1(b) - f1(a) || b.recall - a.recall)[0];
  return best ? [best] : [];
}

/**
 * Fits a surrogate tree and reads one rule per leaf: the path's conditions, merged to the
 * tightest bound per feature and direction, with support, precision and recall measured on
 * every row. Fidelity is the tree's agreement with the labels, in %. A segment the tree
 * predicts at no leaf gets rules from a one-vs-rest tree (see oneVsRestRules), so every
 * non-empty segment has at least one rule with its precision and recall.
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
  for (const [leaf, conditions] of leafPaths(tree)) {
    const hits = leafHits.get(leaf);
    if (!hits) continue;
    const support = hits.reduce((a, b) => a + b, 0);
    const segment = tree.nodes[leaf]!.prediction;
    rules[segment]!.push({
      segment,
      conditions,
      text: ruleText(conditions),
      support,
      precision: support ? hits[segment]! / support : 0,
      recall: segmentSize[segment]! ? hits[segment]! / segmentSize[segment]! : 0,
      source: "tree",
    });
  }
  for (let s = 0; s < k; s++) {
    if (rules[s]!.length === 0) rules[s] = oneVsRestRules(x, labels, features, s, segmentSize[s]!, options);
  }
  for (const list of rules) list.sort((a, b) => b.recall - a.recall || b.precision - a.precision);
  // Leaves are disjoint, so the union's counts are sums over the segment's rules.
  const segmentFit = rules.map((list, s) => {
    let inside = 0;
    let support = 0;
    for (const r of list) {
      inside += Math.round(r.recall * segmentSize[s]!);
      support += r.support;
    }
    return {
      precision: support ? inside / support : 0,
      recall: segmentSize[s]! ? inside / segmentSize[s]! : 0,
    };
  });
  return { tree, fidelity: total ? (100 * agree) / total : 0, rules, segmentFit };
}
