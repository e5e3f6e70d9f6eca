import { pearsonMatrix } from "@strata/core";
import type { Tx } from "@strata/db";
import { sql } from "drizzle-orm";
import { listNumericFeatures, queryRows } from "../../jobs/run-data.js";
import { listPersonalKeys } from "../privacy/personal-columns.js";

/** Customers read to describe the features (customer ids are random uuids: a fair sample). */
export const FEATURE_SAMPLE = 5_000;

/**
 * Behavioural features a first run uses when the workspace has order lines: recency, frequency,
 * monetary value, basket and tenure. returns_share is offered, not suggested: it is zero for most
 * customers, so it splits off "customers who ever returned something" before anything else.
 */
const ORDER_FEATURES = ["recency_days", "frequency", "monetary", "average_basket", "tenure_days"];

/** At most this many attributes are suggested for a first run on customer attributes alone. */
const MAX_SUGGESTED = 8;
/** A column with fewer distinct values is a flag or a small code (0/1, 1-3), not a measure to cluster on. */
const MIN_DISTINCT = 5;
/** Two features this correlated say the same thing: only the first is suggested. */
const NEAR_DUPLICATE = 0.9;

/** Behavioural roles, in the order a suggestion takes them round by round. */
const ROLES = [
  /recen|days.?since|since.?last|last.?(order|purchase|visit)/i,
  /freq|orders|purchases|visits|invoices|transactions|num/i,
  /monet|spend|spent|revenue|sales|amount|value|mnt|basket|total|income/i,
];

export interface FeatureDescription {
  name: string;
  /** Share of customers without a numeric value, 0..1. */
  missingShare: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Sample skewness (Fisher-Pearson); |skew| > 1 is strongly skewed. */
  skew: number | null;
  /** Strongest absolute correlation with another feature, and which. */
  strongestCorrelation: { feature: string; r: number } | null;
  /** A column marked personal at import: offered, never suggested. */
  isPersonal: boolean;
}

const round = (v: number, digits = 4) => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);

/**
 * What the new-run form shows beside each numeric customer feature so the choice is informed:
 * missing share, skew, range and its strongest correlation, measured on a sample of customers;
 * plus the features a one-click run uses.
 */
export async function describeFeatures(
  tx: Tx,
  params: {
    tenantId: string /** False (viewers): no range of a personal column. */;
    canSeePersonal?: boolean;
  },
) {
  const names = await listNumericFeatures(tx, params.tenantId);
  const personal = await listPersonalKeys(tx, params.tenantId);
  const [total] = await queryRows<{ n: number | string }>(
    tx,
    sql`select count(*)::int as n from customer_features where tenant_id = ${params.tenantId}`,
  );
  const customers = Number(total?.n ?? 0);
  if (names.length === 0) return { customers, sampled: 0, features: [], correlation: [], defaults: [] };
  const rows = await queryRows<{ features: Record<string, unknown> }>(
    tx,
    sql`select features from customer_features where tenant_id = ${params.tenantId}
        order by customer_id limit ${FEATURE_SAMPLE}`,
  );
  const n = rows.length;
  const d = names.length;
  const data = new Float64Array(n * d);
  const stats = names.map((name, j) => {
    const values: number[] = [];
    rows.forEach((r, i) => {
      const v = r.features[name];
      const x = typeof v === "number" && Number.isFinite(v) ? v : Number.NaN;
      data[i * d + j] = x;
      if (!Number.isNaN(x)) values.push(x);
    });
    const m = values.length;
    const distinct = new Set(values).size;
    let mean = 0;
    for (const v of values) mean += v / Math.max(1, m);
    let m2 = 0;
    let m3 = 0;
    for (const v of values) {
      m2 += (v - mean) ** 2 / m;
      m3 += (v - mean) ** 3 / m;
    }
    // Missing values take the mean for the correlation (pairwise deletion would need n^2 work per pair).
    rows.forEach((_, i) => {
      if (Number.isNaN(data[i * d + j]!)) data[i * d + j] = m > 0 ? mean : 0;
    });
    return {
      name,
      missingShare: n > 0 ? 1 - m / n : 1,
      mean: m > 0 ? round(mean) : null,
      min: m > 0 ? round(Math.min(...values)) : null,
      max: m > 0 ? round(Math.max(...values)) : null,
      skew: m > 2 && m2 > 0 ? round(m3 / m2 ** 1.5, 3) : null,
      distinct,
    };
  });
  const r = n > 1 ? pearsonMatrix({ data, n, d }) : new Float64Array(d * d).fill(Number.NaN);
  const correlation = Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => round(r[a * d + b]!, 3)),
  );
  const features: FeatureDescription[] = stats.map(({ distinct: _, ...s }, a) => {
    let best: { feature: string; r: number } | null = null;
    for (let b = 0; b < d; b++) {
      const v = correlation[a]![b];
      if (b === a || v === null || v === undefined) continue;
      if (!best || Math.abs(v) > Math.abs(best.r)) best = { feature: names[b]!, r: v };
    }
    const isPersonal = personal.has(s.name);
    // A personal column's extremes are one person's values: viewers see its shape, not its range.
    const range = isPersonal && params.canSeePersonal === false ? { min: null, max: null } : {};
    return { ...s, ...range, strongestCorrelation: best, isPersonal };
  });
  const defaults = suggestFeatures(names, stats, correlation, personal);
  return { customers, sampled: n, features, correlation, defaults };
}

/**
 * The features a one-click run uses. With order lines: the behavioural ones (ORDER_FEATURES).
 * Otherwise the customer attributes that measure something (not personal, not flags or small codes, not mostly
 * missing, not a near-duplicate of one already taken), taken round by round from the recency,
 * frequency and spend roles (largest mean first) and then the rest, so that no single kind of
 * figure dominates.
 */
export function suggestFeatures(
  names: string[],
  stats: Array<{ name: string; missingShare: number; distinct: number; mean?: number | null }>,
  correlation: Array<Array<number | null>>,
  personal: ReadonlySet<string> = new Set(),
): string[] {
  const present = ORDER_FEATURES.filter((f) => names.includes(f));
  if (present.length >= 3) return present;
  const usable = stats
    .map((s, index) => ({ ...s, index }))
    .filter(
      (s) =>
        s.missingShare < 0.5 &&
        s.distinct >= MIN_DISTINCT &&
        !s.name.startsWith("rfm_") &&
        // Personal data (an age from a birth date, a house number) clusters only when chosen by name.
        !personal.has(s.name),
    );
  // Within a role the largest figure first: the spend category most of the money goes to, the
  // channel most purchases come through (not the first in alphabetical order).
  const queues = ROLES.map((role) =>
    usable.filter((s) => role.test(s.name)).sort((a, b) => (b.mean ?? 0) - (a.mean ?? 0)),
  );
  queues.push(usable.filter((s) => !ROLES.some((role) => role.test(s.name))));
  const chosen: number[] = [];
  const taken = new Set<number>();
  const isDuplicate = (index: number) =>
    chosen.some((c) => Math.abs(correlation[index]?.[c] ?? 0) > NEAR_DUPLICATE);
  while (chosen.length < MAX_SUGGESTED && queues.some((q) => q.length > 0)) {
    for (const queue of queues) {
      while (queue.length > 0) {
        const next = queue.shift()!;
        if (taken.has(next.index)) continue;
        taken.add(next.index);
        if (isDuplicate(next.index)) continue;
        chosen.push(next.index);
        break;
      }
      if (chosen.length >= MAX_SUGGESTED) break;
    }
  }
  return chosen.sort((a, b) => a - b).map((i) => names[i]!);
}
