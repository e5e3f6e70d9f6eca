import type { CostLines } from "../cost-to-serve/drivers.js";
import { CoreInputError } from "../errors.js";
import { isoWeekIndex } from "./weeks.js";

export type AbcClass = "A" | "B" | "C";
export type XyzClass = "X" | "Y" | "Z";
export type ProductClassName = `${AbcClass}${XyzClass}`;

export interface ProductClassOptions {
  /**
   * Cumulative % of net sales closing classes A and B; default [80, 95] (A: the top products making
   * 80% of net sales, B: the next 15%, C: the last 5%).
   */
  readonly abcCutoffs?: readonly [number, number];
  /** Coefficient of variation of weekly demand closing X and Y; default [0.5, 1.0]. */
  readonly xyzCutoffs?: readonly [number, number];
  /** First and last instant of the period (epoch ms); default: the first and last order date. */
  readonly from?: number;
  readonly to?: number;
}

export interface ProductClass {
  product: string;
  abc: AbcClass;
  xyz: XyzClass;
  class: ProductClassName;
  /** Sales lines' quantity × price − discount, less returns valued at their price (as cost-to-serve). */
  netSales: number;
  /** % of all products' net sales. */
  sharePct: number;
  /** % of net sales of this product and every product ranked above it. */
  cumulativePct: number;
  /** Units sold over the period (sales lines; returns are not demand). */
  units: number;
  /** Mean and sample standard deviation of units sold per ISO week, weeks without sales as 0. */
  weeklyMean: number;
  weeklySd: number;
  /** weeklySd / weeklyMean; null when nothing was sold (class Z). */
  cv: number | null;
}

export interface ProductClassCell {
  abc: AbcClass;
  xyz: XyzClass;
  class: ProductClassName;
  products: number;
  netSales: number;
  sharePct: number;
}

export interface ProductClasses {
  /** ISO weeks in the period, the first and last counted. */
  weeks: number;
  totalNetSales: number;
  /** Most net sales first (ties by product name). */
  products: ProductClass[];
  /** The 3 × 3 ABC-XYZ matrix, row by row: AX, AY, AZ, BX, … CZ. */
  matrix: ProductClassCell[];
  /** Lines in the period with no product: left out of every product and of the total. */
  linesWithoutProduct: number;
}

const ABC: ReadonlyArray<AbcClass> = ["A", "B", "C"];
const XYZ: ReadonlyArray<XyzClass> = ["X", "Y", "Z"];

function cutoffs(
  field: string,
  given: readonly [number, number] | undefined,
  fallback: [number, number],
  max: number,
) {
  if (given === undefined) return fallback;
  const [a, b] = given;
  const ok =
    Array.isArray(given) &&
    given.length === 2 &&
    Number.isFinite(a) &&
    Number.isFinite(b) &&
    a > 0 &&
    a < b &&
    b <= max;
  if (!ok)
    throw new CoreInputError(
      `${field}: must be two increasing numbers above 0${Number.isFinite(max) ? ` and at most ${max}` : ""}, got ${JSON.stringify(given)}`,
      { field },
    );
  return [a, b] as [number, number];
}

/**
 * ABC-XYZ product classes from order lines. ABC ranks products by net sales: a product is A while
 * the products ranked above it make less than the first cut-off (80%) of all net sales, so the
 * product that crosses 80% is still A; B likewise up to the second cut-off (95%); C after that.
 * XYZ looks at the coefficient of variation of units sold per ISO week over every week of the
 * period (a week without sales counts as 0): X up to the first cut-off (0.5), Y up to the second
 * (1.0), Z above it or when nothing was sold. The standard deviation is the sample one (n − 1),
 * the estimate a safety stock needs; one week gives 0.
 *
 * Returns (negative quantity) lower net sales, valued as cost-to-serve values them, but are not
 * demand. Every line in the period needs an order date (CoreInputError naming the line otherwise).
 */
export function productClasses(lines: CostLines, options: ProductClassOptions = {}): ProductClasses {
  const [aCut, bCut] = cutoffs("abcCutoffs", options.abcCutoffs, [80, 95], 100);
  const [xCut, yCut] = cutoffs("xyzCutoffs", options.xyzCutoffs, [0.5, 1], Number.POSITIVE_INFINITY);
  const { quantity, unitPrice, discount, time } = lines;
  const productCodes = lines.product.codes;
  const names = lines.product.names;
  const m = quantity.length;
  const from = options.from ?? Number.NEGATIVE_INFINITY;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  if (from > to) throw new CoreInputError(`from: the period starts after it ends`, { field: "from" });

  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < m; i++) {
    const t = time[i]!;
    if (Number.isNaN(t))
      throw new CoreInputError(`order line ${i}: ordered_at is missing; weekly demand needs the order date`, {
        row: i,
        field: "ordered_at",
      });
    if (t < from || t > to) continue;
    if (t < first) first = t;
    if (t > last) last = t;
  }
  const firstWeek = isoWeekIndex(Number.isFinite(from) ? from : first);
  const lastWeek = isoWeekIndex(Number.isFinite(to) ? to : last);
  const weeks = Number.isFinite(first) ? lastWeek - firstWeek + 1 : 0;

  const p = names.length;
  const net = new Float64Array(p);
  const units = new Float64Array(p);
  // Units per (product, week) for the weeks that have sales: at most one entry per line.
  const cell = new Map<number, number>();
  let withoutProduct = 0;
  for (let i = 0; i < m; i++) {
    const t = time[i]!;
    if (t < from || t > to) continue;
    const k = productCodes[i]!;
    if (k < 0) {
      withoutProduct++;
      continue;
    }
    const q = quantity[i]!;
    if (q >= 0) {
      net[k]! += q * unitPrice[i]! - discount[i]!;
      units[k]! += q;
      const key = k * weeks + (isoWeekIndex(t) - firstWeek);
      cell.set(key, (cell.get(key) ?? 0) + q);
    } else net[k]! += q * unitPrice[i]! + discount[i]!;
  }

  // Sample variance over all weeks, in two passes: deviations of the weeks with sales, plus the
  // weeks without sales, each (0 − mean)².
  const mean = Float64Array.from(units, (u) => (weeks > 0 ? u / weeks : 0));
  const sumSq = new Float64Array(p);
  const weeksSold = new Int32Array(p);
  for (const [key, u] of cell) {
    const k = Math.floor(key / weeks);
    const dev = u - mean[k]!;
    sumSq[k]! += dev * dev;
    weeksSold[k]!++;
  }

  let total = 0;
  for (let k = 0; k < p; k++) total += net[k]!;
  const order = Array.from({ length: p }, (_, k) => k).sort(
    (x, y) => net[y]! - net[x]! || (names[x]! < names[y]! ? -1 : names[x]! > names[y]! ? 1 : 0),
  );
  const pct = (v: number) => (total > 0 ? (v / total) * 100 : 0);
  const products: ProductClass[] = [];
  let cumulative = 0;
  for (const k of order) {
    const before = pct(cumulative);
    cumulative += net[k]!;
    // A hair of tolerance so 80.000000000001% from float sums still counts as reaching 80%.
    const abc: AbcClass = total <= 0 ? "C" : before < aCut - 1e-9 ? "A" : before < bCut - 1e-9 ? "B" : "C";
    const mu = mean[k]!;
    const ss = sumSq[k]! + (weeks - weeksSold[k]!) * mu * mu;
    const sd = weeks > 1 ? Math.sqrt(ss / (weeks - 1)) : 0;
    const cv = mu > 0 ? sd / mu : null;
    const xyz: XyzClass = cv === null ? "Z" : cv <= xCut ? "X" : cv <= yCut ? "Y" : "Z";
    products.push({
      product: names[k]!,
      abc,
      xyz,
      class: `${abc}${xyz}`,
      netSales: net[k]!,
      sharePct: pct(net[k]!),
      cumulativePct: pct(cumulative),
      units: units[k]!,
      weeklyMean: mu,
      weeklySd: sd,
      cv,
    });
  }

  const matrix: ProductClassCell[] = [];
  for (const abc of ABC)
    for (const xyz of XYZ) {
      const inCell = products.filter((r) => r.abc === abc && r.xyz === xyz);
      const sales = inCell.reduce((s, r) => s + r.netSales, 0);
      matrix.push({
        abc,
        xyz,
        class: `${abc}${xyz}`,
        products: inCell.length,
        netSales: sales,
        sharePct: pct(sales),
      });
    }
  return { weeks, totalNetSales: total, products, matrix, linesWithoutProduct: withoutProduct };
}
