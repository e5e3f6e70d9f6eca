import { CoreInputError } from "../errors.js";
import { findKnee } from "../metrics/knee.js";

/** The scores chooseK reads for one k (a `SweepKRow` or a row of `sweepKParallel`). */
export interface KScores {
  k: number;
  inertia: number;
  silhouette: number;
  calinskiHarabasz: number;
  daviesBouldin: number;
}

export interface KChoice {
  k: number;
  /** A sentence for the user: which criteria point at k, with their values, and which disagree. */
  reason: string;
  /** What each criterion picked (undefined: the inertia curve has no clear elbow). */
  votes: { elbow: number | undefined; silhouette: number; calinskiHarabasz: number; daviesBouldin: number };
}

const format = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2));

/**
 * Picks k from a sweep by four criteria: the elbow of the inertia curve (Kneedle), the highest
 * silhouette, the highest Calinski-Harabasz index and the lowest Davies-Bouldin index. The k
 * most criteria agree on wins; a tie goes to the higher silhouette (the criterion that judges
 * separation directly). Returns the k and a sentence saying why.
 */
export function chooseK(sweep: ReadonlyArray<KScores>): KChoice {
  if (sweep.length === 0) throw new CoreInputError("chooseK needs at least one k", { field: "sweep" });
  const rows = [...sweep].sort((a, b) => a.k - b.k);
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.k === rows[i - 1]!.k)
      throw new CoreInputError(`k = ${rows[i]!.k} appears twice`, { field: "sweep" });
  }
  const bySilhouette = best(rows, (r) => r.silhouette, "max");
  const byCalinski = best(rows, (r) => r.calinskiHarabasz, "max");
  const byDavies = best(rows, (r) => r.daviesBouldin, "min");
  const knee =
    rows.length >= 3
      ? findKnee(
          rows.map((r) => r.k),
          rows.map((r) => r.inertia),
          { curve: "convex", direction: "decreasing" },
        )
      : undefined;
  const elbow = knee?.x;
  const votes = {
    elbow,
    silhouette: bySilhouette.k,
    calinskiHarabasz: byCalinski.k,
    daviesBouldin: byDavies.k,
  };

  const tally = new Map<number, number>();
  for (const k of [elbow, bySilhouette.k, byCalinski.k, byDavies.k]) {
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
  return { k: chosen.k, reason: explain(rows, chosen, votes), votes };
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
