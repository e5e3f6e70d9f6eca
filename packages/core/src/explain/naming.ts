import type { SegmentProfile } from "./profile.js";

export type Role = "recency" | "tenure" | "basket" | "frequency" | "monetary";

/**
 * Which role a column plays, tried in this order: "days since last purchase" is a recency, not a
 * spend; "avg_order_value" is a basket size, not a frequency or a total spend.
 */
const ROLE_ORDER: ReadonlyArray<Role> = ["recency", "tenure", "basket", "frequency", "monetary"];

const ROLES: Record<Role, RegExp> = {
  recency: /recen|days.?since|since.?last|last.?(order|purchase|visit)/i,
  tenure: /tenure|customer.?since|since.?first|first.?(order|purchase)|days.?as.?customer/i,
  basket:
    /basket|(^|[^a-z])aov([^a-z]|$)|(avg|average|mean).?(order|spend|ticket|transaction|purchase)|order.?value|ticket.?size/i,
  frequency: /freq|orders|purchases|visits|invoices|transactions|num.?(web|store|catalog|deals)?.?purch/i,
  monetary: /monet|spend|spent|revenue|sales|amount|value|mnt|total/i,
};

/**
 * Within a role, the columns a name relies on: the first tier any column matches. A column named
 * "monetary" speaks for spend more directly than "MntWines" does; when a tier holds several columns
 * (MntWines, MntFruits, ...) the name relies on all of them.
 */
const TIERS: Record<Role, ReadonlyArray<RegExp>> = {
  recency: [/recen/i, /since|last/i],
  tenure: [/tenure/i, /./],
  basket: [/basket|aov/i, /order.?value|ticket/i, /./],
  frequency: [/freq/i, /orders|invoices|transactions/i, /purch/i, /visits/i],
  monetary: [/monet/i, /revenue|sales/i, /spend|spent/i, /total/i, /amount|value/i, /mnt/i, /./],
};

/** Deviations beyond this many standard deviations count as high or low. */
const NOTABLE = 0.5;

/** The role a column plays in RFM-style names, if any. */
export function featureRole(feature: string): Role | undefined {
  return ROLE_ORDER.find((role) => ROLES[role].test(feature));
}

/** Column indices each role's names rely on (see TIERS); roles with no column are left out. */
export function roleFeatures(features: ReadonlyArray<string>): Partial<Record<Role, number[]>> {
  const out: Partial<Record<Role, number[]>> = {};
  for (const role of ROLE_ORDER) {
    const members = features.flatMap((name, j) => (featureRole(name) === role ? [j] : []));
    for (const tier of TIERS[role]) {
      const chosen = members.filter((j) => tier.test(features[j]!));
      if (chosen.length) {
        out[role] = chosen;
        break;
      }
    }
  }
  return out;
}

/** Where a segment sits on a role: every relied-on column must agree before it counts as high or low. */
interface RoleLevel {
  readonly features: number[];
  /** Every column above the population. */
  readonly above: boolean;
  /** Every column below the population. */
  readonly below: boolean;
  readonly high: boolean;
  readonly low: boolean;
}

function roleLevel(profile: SegmentProfile, features: number[] | undefined): RoleLevel | undefined {
  if (!features) return undefined;
  const devs = features.map((j) => profile.deviation[j]!);
  const finite = devs.every(Number.isFinite);
  const above = finite && devs.every((v) => v > 0);
  const below = finite && devs.every((v) => v < 0);
  const mean = devs.reduce((a, b) => a + b, 0) / devs.length;
  return { features, above, below, high: above && mean > NOTABLE, low: below && mean < -NOTABLE };
}

/** A column name as words: units in brackets dropped, camelCase split, Capitalised words lower-cased, acronyms kept. */
export function readableFeature(feature: string): string {
  return feature
    .replace(/\([^)]*\)/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_:]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\b[A-Z][a-z]+\b/g, (w) => w.toLowerCase());
}

/** "very high", "high", "above-average", "average", "below-average", "low", "very low". */
export function levelWord(deviation: number): string {
  if (deviation >= 1.5) return "very high";
  if (deviation >= NOTABLE) return "high";
  if (deviation >= 0.15) return "above-average";
  if (deviation > -0.15) return "average";
  if (deviation > -NOTABLE) return "below-average";
  if (deviation > -1.5) return "low";
  return "very low";
}

function rfmName(
  r: RoleLevel | undefined,
  f: RoleLevel | undefined,
  m: RoleLevel | undefined,
  b: RoleLevel | undefined,
  t: RoleLevel | undefined,
): string {
  // Each word below is only used when every column of its role agrees in sign (RoleLevel).
  if (r?.high) {
    if (m?.high) return "Lapsed high spenders";
    if (f?.high) return "Lapsed frequent buyers";
    if (b?.high) return "Lapsed big-ticket buyers";
    if (m?.below && !f?.above) return "Lapsed bargain hunters";
    if (f?.low) return "Lapsed occasional buyers";
    return "Lapsing customers";
  }
  if (m?.high && f?.high) return "High value, frequent";
  // Customers who arrived lately have bought recently and not often yet: new, not "occasional".
  if (t?.low && r?.below) return m?.high || b?.high ? "New big spenders" : "New customers";
  if (b?.high && f?.low) return "Big-ticket occasional buyers";
  if (m?.high) return f?.low ? "High value, occasional" : "High value";
  if (f?.high) return m?.below ? "Frequent, low spend" : "Frequent buyers";
  if (b?.high) return "Big-ticket buyers";
  if (m?.low && f?.low) return r?.low ? "New customers" : "Low value, infrequent";
  if (m?.low) return "Bargain hunters";
  if (f?.low) return "Occasional buyers";
  if (r?.low) return "Recently active";
  if (b?.low) return "Small-basket buyers";
  if (t?.high) return "Long-standing, steady";
  return "Steady mid-value";
}

/**
 * A short name for a segment from how it deviates from everyone else. Columns named like recency,
 * frequency, monetary value (spend, revenue, sales, Mnt...) or basket size (AOV) drive RFM-style
 * names ("High value, frequent", "Lapsed bargain hunters") when recency, frequency and monetary
 * give at least two roles; otherwise the two most distinctive columns are named ("Low spending
 * score, high annual income").
 *
 * A name says high, frequent, big-ticket or lapsed only when the segment sits above the population
 * on every column of that role (low, occasional and recent: below every one), so an average can
 * never hide a column that says the opposite.
 */
export function suggestSegmentName(profile: SegmentProfile, features: ReadonlyArray<string>): string {
  const roles = roleFeatures(features);
  const r = roleLevel(profile, roles.recency);
  const f = roleLevel(profile, roles.frequency);
  const m = roleLevel(profile, roles.monetary);
  const b = roleLevel(profile, roles.basket);
  const t = roleLevel(profile, roles.tenure);
  const count = [r, f, m].filter((v) => v !== undefined).length;
  if (count >= 2 && (f !== undefined || m !== undefined)) return rfmName(r, f, m, b, t);
  const notable = profile.top.filter((t) => Math.abs(t.deviation) > NOTABLE).slice(0, 2);
  if (notable.length === 0) return "Close to average";
  const parts = notable.map((t) => `${levelWord(t.deviation)} ${readableFeature(t.feature)}`);
  const text = parts.join(", ");
  return text[0]!.toUpperCase() + text.slice(1);
}

/**
 * Splits `group` (segments sharing a name) by the column whose level words differ most between
 * them, recursing on those still alike; qualifiers are level words against the population, so
 * "(high income)" is true of that segment, not only relative to the others.
 */
function disambiguate(
  group: number[],
  profiles: ReadonlyArray<SegmentProfile>,
  features: ReadonlyArray<string>,
  used: ReadonlySet<number>,
  qualifiers: string[][],
  baseNames: ReadonlyArray<string>,
): void {
  if (group.length < 2) return;
  // Prefer a column the name does not mention yet: "High age (high age)" says nothing new.
  const name = baseNames[group[0]!]!.toLowerCase();
  const mentioned = (j: number) => name.includes(readableFeature(features[j]!).toLowerCase());
  let best = -1;
  for (const pass of [false, true]) {
    let bestDistinct = 1;
    let bestSpread = 0;
    for (let j = 0; j < features.length; j++) {
      if (used.has(j) || mentioned(j) !== pass) continue;
      const devs = group.map((s) => profiles[s]!.deviation[j]!);
      if (!devs.every(Number.isFinite)) continue;
      const distinct = new Set(devs.map(levelWord)).size;
      const spread = Math.max(...devs) - Math.min(...devs);
      if (distinct > bestDistinct || (distinct === bestDistinct && distinct > 1 && spread > bestSpread)) {
        best = j;
        bestDistinct = distinct;
        bestSpread = spread;
      }
    }
    if (best >= 0) break;
  }
  if (best < 0) {
    relativeSplit(group, profiles, features, used, qualifiers, baseNames);
    return;
  }
  const byWord = new Map<string, number[]>();
  for (const s of group) {
    const word = `${levelWord(profiles[s]!.deviation[best]!)} ${readableFeature(features[best]!)}`;
    qualifiers[s]!.push(word);
    byWord.set(word, [...(byWord.get(word) ?? []), s]);
  }
  const next = new Set(used).add(best);
  for (const sub of byWord.values()) disambiguate(sub, profiles, features, next, qualifiers, baseNames);
}

/**
 * For segments on the same level of every column: rank them on the column where they differ most
 * ("higher income" / "lower income"). Still true of each segment, since the level word the name
 * already carries is shared by the whole group.
 */
function relativeSplit(
  group: number[],
  profiles: ReadonlyArray<SegmentProfile>,
  features: ReadonlyArray<string>,
  used: ReadonlySet<number>,
  qualifiers: string[][],
  baseNames: ReadonlyArray<string>,
): void {
  let best = -1;
  let bestSpread = 1e-9;
  for (let j = 0; j < features.length; j++) {
    if (used.has(j)) continue;
    const devs = group.map((s) => profiles[s]!.deviation[j]!);
    if (!devs.every(Number.isFinite)) continue;
    const spread = Math.max(...devs) - Math.min(...devs);
    if (spread > bestSpread) {
      best = j;
      bestSpread = spread;
    }
  }
  if (best < 0) return;
  const label = readableFeature(features[best]!);
  const ranked = [...group].sort((a, b) => profiles[b]!.deviation[best]! - profiles[a]!.deviation[best]!);
  const middle = ranked.slice(1, -1);
  if (ranked.length === 2) {
    qualifiers[ranked[0]!]!.push(`higher ${label}`);
    qualifiers[ranked[1]!]!.push(`lower ${label}`);
    return;
  }
  qualifiers[ranked[0]!]!.push(`highest ${label}`);
  qualifiers[ranked[ranked.length - 1]!]!.push(`lowest ${label}`);
  for (const s of middle) qualifiers[s]!.push(`middling ${label}`);
  disambiguate(middle, profiles, features, new Set(used).add(best), qualifiers, baseNames);
}

/**
 * Names for every segment, unique within the run. Segments that would share a name get the level
 * of the column that differs most between them ("Lapsed bargain hunters (high frequency)" and
 * "... (low frequency)"); a number is added only when no column tells them apart.
 */
export function suggestSegmentNames(
  profiles: ReadonlyArray<SegmentProfile>,
  features: ReadonlyArray<string>,
): string[] {
  const base = profiles.map((p) => suggestSegmentName(p, features));
  const groups = new Map<string, number[]>();
  // "High income, low age" and "Low age, high income" say the same thing: they clash too.
  const key = (name: string) => name.toLowerCase().split(", ").sort().join(", ");
  for (const [s, name] of base.entries()) groups.set(key(name), [...(groups.get(key(name)) ?? []), s]);
  const qualifiers = profiles.map(() => [] as string[]);
  for (const group of groups.values()) disambiguate(group, profiles, features, new Set(), qualifiers, base);
  const names = base.map((name, s) =>
    qualifiers[s]!.length ? `${name} (${qualifiers[s]!.join(", ")})` : name,
  );
  // Last resort: segments alike on every column (or a qualified name equal to another's).
  const seen = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let counter = 2; seen.has(candidate); counter++) candidate = `${name} ${counter}`;
    seen.add(candidate);
    return candidate;
  });
}
