import { CoreInputError } from "../errors.js";

export const RFM_SEGMENTS = [
  "Champions",
  "Loyal",
  "Potential loyalist",
  "New",
  "Promising",
  "Need attention",
  "About to sleep",
  "At risk",
  "Can't lose them",
  "Hibernating",
  "Lost",
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

export interface RfmScores {
  /** 5 = most recent fifth of customers. */
  readonly r: Uint8Array;
  /** 5 = most frequent fifth. */
  readonly f: Uint8Array;
  /** 5 = highest-spending fifth. */
  readonly m: Uint8Array;
  readonly segment: RfmSegment[];
}

/**
 * Quintile scores 1..5 by average rank: tied values always share a score (many customers buy
 * exactly once, and they must not be split across scores by input order). `higherIsBetter`
 * false scores the smallest values 5 (recency in days).
 */
export function quintileScores(values: ArrayLike<number>, higherIsBetter = true): Uint8Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => values[a]! - values[b]!);
  const scores = new Uint8Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    const averageRank = (start + end - 1) / 2;
    const quintile = Math.min(4, Math.floor(((averageRank + 0.5) / n) * 5));
    const score = higherIsBetter ? quintile + 1 : 5 - quintile;
    for (let p = start; p < end; p++) scores[order[p]!] = score;
    start = end;
  }
  return scores;
}

/**
 * The usual RFM segment from the recency score and the rounded mean of the frequency and
 * monetary scores (fm). Grid (r rows, fm columns):
 * r5: 1 New, 2-3 Potential loyalist, 4-5 Champions; r4: 1 Promising, 2-3 Potential loyalist,
 * 4-5 Loyal; r3: 1-2 About to sleep, 3 Need attention, 4-5 Loyal; r2: 1-2 Hibernating,
 * 3-4 At risk, 5 Can't lose them; r1: 1 Lost, 2 Hibernating, 3-4 At risk, 5 Can't lose them.
 */
export function rfmSegmentName(r: number, f: number, m: number): RfmSegment {
  const fm = Math.round((f + m) / 2);
  if (r >= 5) return fm >= 4 ? "Champions" : fm >= 2 ? "Potential loyalist" : "New";
  if (r === 4) return fm >= 4 ? "Loyal" : fm >= 2 ? "Potential loyalist" : "Promising";
  if (r === 3) return fm >= 4 ? "Loyal" : fm === 3 ? "Need attention" : "About to sleep";
  if (fm >= 5) return "Can't lose them";
  if (fm >= 3) return "At risk";
  return r === 1 && fm <= 1 ? "Lost" : "Hibernating";
}

/** RFM quintile scores and segment names for aligned recency (days), frequency and monetary arrays. */
export function rfmScores(
  recency: ArrayLike<number>,
  frequency: ArrayLike<number>,
  monetary: ArrayLike<number>,
): RfmScores {
  if (frequency.length !== recency.length || monetary.length !== recency.length) {
    throw new CoreInputError("recency, frequency and monetary must have one value per customer", {
      field: "rfm",
    });
  }
  const r = quintileScores(recency, false);
  const f = quintileScores(frequency);
  const m = quintileScores(monetary);
  const segment = Array.from(r, (ri, i) => rfmSegmentName(ri, f[i]!, m[i]!));
  return { r, f, m, segment };
}
