import { CoreInputError } from "../errors.js";
import { findKnee } from "../metrics/knee.js";

/** The scores chooseK reads for one k (a `SweepKRow` or a row of `sweepKParallel`). */
export interface KScores {
  k: number;
  inertia: number;
  silhouette: number;
  calinskiHarabasz: number;
  daviesBouldin: number;
  /** Share of rows in the smallest and in the largest segment (0..1), when known. */
  minShare?: number;
  maxShare?: number;
  /** Mean adjusted Rand index over bootstrap resamples (bootstrapStability), when measured. */
  stability?: number;
}

/** What makes a k usable, not only well scored. */
export interface ChooseKOptions {
  /** A k whose smallest segment holds less than this share of rows is ruled out. Default 0.02. */
  minSegmentShare?: number;
  /** A k whose largest segment holds more than this share is ruled out. Default 0.6. */
  maxSegmentShare?: number;
  /** A k less stable than this (mean ARI over resamples) is ruled out. Default 0.5. */
  minStability?: number;
}

/** A k that was not eligible, and why (a phrase for the user). */
export interface RuledOutK {
  k: number;
  reason: string;
}

export interface KChoice {
  k: number;
  /** A sentence for the user: which criteria point at k, with their values, and which disagree. */
  reason: string;
  /** What each criterion picked (undefined: the inertia curve has no clear elbow). */
  votes: {
    elbow: number | undefined;
    silhouette: number;
    calinskiHarabasz: number;
    daviesBouldin: number;
    stability?: number;
  };
  /** The k's left out before the vote, with why. */
  ruledOut: RuledOutK[];
}

const format = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));

const percent = (v: number) => `${(100 * v).toFixed(v < 0.1 ? 1 : 0)}%`;

/** Why a k cannot be used for segments people act on, or undefined when it can. */
function ineligible(row: KScores, options: Required<ChooseKOptions>): string | undefined {
  if (row.maxShare !== undefined && row.maxShare > options.maxSegmentShare) {
    return `one segment holds ${percent(row.maxShare)} of customers`;
  }
  if (row.minShare !== undefined && row.minShare < options.minSegmentShare) {
    return `its smallest segment holds ${percent(row.minShare)}, under the minimum of ${percent(options.minSegmentShare)}`;
  }
  if (row.stability !== undefined && row.stability < options.minStability) {
    return `its segments change between resamples (stability ${row.stability.toFixed(2)})`;
  }
  return undefined;
}

/**
 * Picks k from a sweep for use, not for a score. First the k's nobody could act on are ruled out:
 * a segment under the minimum share (silhouette rewards peeling off a handful of outliers), one
 * segment holding most customers, or segments that change between bootstrap resamples. Among the
 * rest, five criteria vote: the elbow of the inertia curve (Kneedle), the highest silhouette,
 * the highest Calinski-Harabasz index, the lowest Davies-Bouldin index and, when measured, the
 * highest stability. The k most criteria agree on wins; a tie goes to the higher silhouette (the
 * criterion that judges separation directly). When no k is eligible, all are considered and the
 * sentence says so. Returns the k and a sentence saying why, naming the k's ruled out.
 */
export function chooseK(sweep: ReadonlyArray<KScores>, options: ChooseKOptions = {}): KChoice {
  if (sweep.length === 0) throw new CoreInputError("chooseK needs at least one k", { field: "sweep" });
  const settings: Required<ChooseKOptions> = {
    minSegmentShare: options.minSegmentShare ?? 0.02,
    maxSegmentShare: options.maxSegmentShare ?? 0.6,
    minStability: options.minStability ?? 0.5,
  };
  const all = [...sweep].sort((a, b) => a.k - b.k);
  for (let i = 1; i < all.length; i++) {
    if (all[i]!.k === all[i - 1]!.k)
      throw new CoreInputError(`k = ${all[i]!.k} appears twice`, { field: "sweep" });
  }
  const ruledOut: RuledOutK[] = [];
  for (const row of all) {
    const reason = ineligible(row, settings);
    if (reason !== undefined) ruledOut.push({ k: row.k, reason });
  }
  const eligible = all.filter((r) => !ruledOut.some((o) => o.k === r.k));
  const rows = eligible.length > 0 ? eligible : all;
  const bySilhouette = best(rows, (r) => r.silhouette, "max");
  const byCalinski = best(rows, (r) => r.calinskiHarabasz, "max");
  const byDavies = best(rows, (r) => r.daviesBouldin, "min");
  const hasStability = rows.some((r) => r.stability !== undefined);
  const byStability = hasStability ? best(rows, (r) => r.stability ?? Number.NaN, "max") : undefined;
  // The elbow is read off the whole curve: ruling a k out does not change where inertia bends.
  const knee =
    all.length >= 3
      ? findKnee(
          all.map((r) => r.k),
          all.map((r) => r.inertia),
          { curve: "convex", direction: "decreasing" },
        )
      : undefined;
  const elbow = knee?.x !== undefined && rows.some((r) => r.k === knee.x) ? knee.x : undefined;
  const votes: KChoice["votes"] = {
    elbow,
    silhouette: bySilhouette.k,
    calinskiHarabasz: byCalinski.k,
    daviesBouldin: byDavies.k,
    ...(byStability ? { stability: byStability.k } : {}),
  };

  const tally = new Map<number, number>();
  for (const k of [elbow, bySilhouette.k, byCalinski.k, byDavies.k, byStability?.k]) {
    if (k !== undefined) tally.set(k, (tally.get(k) ?? 0) + 1);
  }
  let chosen = rows[0]!;
  let chosenVotes = -1;
  for (const row of rows) {
    const v = tally.get(row.k) ?? 0;
    const silhouette = Number.isNaN(row.silhouette) ? Number.NEGATIVE_INFINITY : row.silhouette;
    const chosenSilhouette = Number.isNaN(chosen.silhouette) ? Number.NEGATIVE_INFINITY : chosen.silhouette;
    if (v > chosenVotes || (v === chosenVotes && silhouette > chosenSilhouette)) {
      chosen = row;
      chosenVotes = v;
    }
  }
  let reason =
    rows.length === 1 && all.length > 1
      ? `k = ${chosen.k}: the only k that gives usable segments (silhouette ${format(chosen.silhouette)}).`
      : explain(rows, chosen, votes);
  if (ruledOut.length > 0) {
    const listed = ruledOut.map((o) => `k = ${o.k} (${o.reason})`).join("; ");
    reason +=
      eligible.length > 0
        ? ` Ruled out first: ${listed}.`
        : ` No k met the usability checks, so all were compared: ${listed}.`;
  }
  return { k: chosen.k, reason, votes, ruledOut };
}

function best(rows: KScores[], value: (r: KScores) => number, direction: "max" | "min"): KScores {
  let winner: KScores | undefined;
  for (const row of rows) {
    const v = value(row);
    if (Number.isNaN(v)) continue;
    if (winner === undefined || (direction === "max" ? v > value(winner) : v < value(winner))) winner = row;
  }
  return winner ?? rows[0]!;
}

function explain(rows: KScores[], chosen: KScores, votes: KChoice["votes"]): string {
  const k = chosen.k;
  if (rows.length === 1) {
    return `k = ${k}: the only k tried (silhouette ${format(chosen.silhouette)}).`;
  }
  const agree: string[] = [];
  const disagree: string[] = [];
  if (votes.elbow === k) agree.push(`the elbow of the inertia curve is at ${k}`);
  else if (votes.elbow !== undefined) disagree.push(`the inertia curve bends at ${votes.elbow}`);
  if (votes.silhouette === k) agree.push(`silhouette is highest there (${format(chosen.silhouette)})`);
  else {
    const top = rows.find((r) => r.k === votes.silhouette)!;
    disagree.push(
      `silhouette peaks at ${votes.silhouette} (${format(top.silhouette)} against ${format(chosen.silhouette)})`,
    );
  }
  if (votes.calinskiHarabasz === k)
    agree.push(`Calinski-Harabasz peaks there (${format(chosen.calinskiHarabasz)})`);
  else disagree.push(`Calinski-Harabasz peaks at ${votes.calinskiHarabasz}`);
  if (votes.daviesBouldin === k)
    agree.push(`Davies-Bouldin is lowest there (${format(chosen.daviesBouldin)})`);
  else disagree.push(`Davies-Bouldin is lowest at ${votes.daviesBouldin}`);
  if (votes.stability !== undefined) {
    const stability = chosen.stability;
    if (votes.stability === k && stability !== undefined)
      agree.push(`the segments are most stable there (${format(stability)})`);
    else disagree.push(`stability is highest at ${votes.stability}`);
  }

  let sentence: string;
  if (agree.length === 0) {
    sentence = `k = ${k}: no two criteria agree, so the k with the best silhouette (${format(chosen.silhouette)}) is used`;
  } else {
    sentence = `k = ${k}: ${joinWords(agree)}`;
  }
  if (votes.elbow === undefined) sentence += "; the inertia curve has no clear elbow";
  if (disagree.length > 0 && agree.length > 0) sentence += `; ${joinWords(disagree)}`;
  else if (disagree.length > 0) sentence += ` (${joinWords(disagree)})`;
  return `${sentence}.`;
}

function joinWords(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}
