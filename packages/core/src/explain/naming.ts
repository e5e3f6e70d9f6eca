import type { SegmentProfile } from "./profile.js";

const ROLES = {
  recency: /recen|days.?since|since.?last|last.?(order|purchase|visit)/i,
  frequency: /freq|orders|purchases|visits|invoices|transactions|num.?(web|store|catalog|deals)?.?purch/i,
  monetary: /monet|spend|spent|revenue|sales|amount|value|mnt|basket|total/i,
} as const;

/** Deviations beyond this many standard deviations count as high or low. */
const NOTABLE = 0.5;

function roleDeviation(
  profile: SegmentProfile,
  features: ReadonlyArray<string>,
  role: keyof typeof ROLES,
): number | undefined {
  let sum = 0;
  let count = 0;
  features.forEach((name, j) => {
    // "recency" words win over the others: "days since last purchase" is not a spend.
    const isRecency = ROLES.recency.test(name);
    const matches = role === "recency" ? isRecency : !isRecency && ROLES[role].test(name);
    const dev = profile.deviation[j]!;
    if (matches && Number.isFinite(dev)) {
      sum += dev;
      count++;
    }
  });
  return count ? sum / count : undefined;
}

function readable(feature: string): string {
  // Drop units in brackets and lower-case Capitalised words, keeping acronyms (RFM, AOV).
  return feature
    .replace(/\([^)]*\)/g, " ")
    .replace(/[_:]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\b[A-Z][a-z]+\b/g, (w) => w.toLowerCase());
}

/**
 * A short name for a segment from how it deviates from everyone else. Features named like
 * recency, frequency or monetary value (spend, revenue, sales, Mnt...) drive RFM-style names
 * ("High value, frequent", "Lapsed bargain hunters") when at least two of the three are
 * there; otherwise the two most distinctive features are named ("Low spending score, high
 * annual income").
 */
export function suggestSegmentName(profile: SegmentProfile, features: ReadonlyArray<string>): string {
  const r = roleDeviation(profile, features, "recency");
  const f = roleDeviation(profile, features, "frequency");
  const m = roleDeviation(profile, features, "monetary");
  const roles = [r, f, m].filter((v) => v !== undefined).length;
  if (roles >= 2 && (f !== undefined || m !== undefined)) {
    const fv = f ?? 0;
    const mv = m ?? 0;
    const high = (v: number | undefined) => v !== undefined && v > NOTABLE;
    const low = (v: number | undefined) => v !== undefined && v < -NOTABLE;
    if (high(r)) {
      if (high(m) || high(f)) return "Lapsed high spenders";
      if (mv < 0 && fv <= NOTABLE) return "Lapsed bargain hunters";
      return "Lapsing customers";
    }
    if (high(m) && high(f)) return "High value, frequent";
    if (high(m)) return low(f) ? "Big-ticket occasional buyers" : "High value";
    if (high(f)) return mv < 0 ? "Frequent, low spend" : "Frequent buyers";
    if (low(m) && low(f)) return low(r) ? "New customers" : "Low value, infrequent";
    if (low(m)) return "Bargain hunters";
    if (low(f)) return "Occasional buyers";
    if (low(r)) return "Recently active";
    return "Steady mid-value";
  }
  const notable = profile.top.filter((t) => Math.abs(t.deviation) > NOTABLE).slice(0, 2);
  if (notable.length === 0) return "Close to average";
  const parts = notable.map((t) => `${t.deviation > 0 ? "high" : "low"} ${readable(t.feature)}`);
  const text = parts.join(", ");
  return text[0]!.toUpperCase() + text.slice(1);
}

/** Names for every segment, made unique by adding the most distinctive feature (then a number). */
export function suggestSegmentNames(
  profiles: ReadonlyArray<SegmentProfile>,
  features: ReadonlyArray<string>,
): string[] {
  const names = profiles.map((p) => suggestSegmentName(p, features));
  const used = new Map<string, number>();
  for (const name of names) used.set(name, (used.get(name) ?? 0) + 1);
  const seen = new Set<string>();
  return names.map((name, s) => {
    if (used.get(name)! < 2) return name;
    const top = profiles[s]!.top[0];
    let candidate = top ? `${name} (${top.deviation > 0 ? "high" : "low"} ${readable(top.feature)})` : name;
    let counter = 2;
    const base = candidate;
    while (seen.has(candidate)) candidate = `${base} ${counter++}`;
    seen.add(candidate);
    return candidate;
  });
}
