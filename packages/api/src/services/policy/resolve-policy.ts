import type { PolicyTerms } from "@strata/contract";

/** What resolution needs of a policy: its scope and approved terms. */
export interface ScopedPolicy {
  id: string;
  name: string;
  segmentId: string | null;
  productClass: string | null;
  channel: string | null;
  approvedTerms: PolicyTerms | null;
}

export interface PolicyResolution<P extends ScopedPolicy> {
  /** The policy that applies, null when none does (no workspace default either). */
  policy: P | null;
  /** Why: each approved candidate that matches, most specific first, and the ones that did not. */
  reasons: string[];
}

/** Segment counts most, then product class, then channel: a segment's policy beats a class-wide one. */
function specificity(p: ScopedPolicy): number {
  return (p.segmentId ? 4 : 0) + (p.productClass ? 2 : 0) + (p.channel ? 1 : 0);
}

function describe(p: ScopedPolicy): string {
  const parts = [p.segmentId ? "its segment" : "every customer"];
  if (p.productClass) parts.push(`class ${p.productClass}`);
  if (p.channel) parts.push(`channel ${p.channel}`);
  return `“${p.name}” (${parts.join(", ")})`;
}

/**
 * The policy for a customer-product pair: among approved policies whose every scope field matches
 * (a null field matches anything), the most specific wins; the workspace default (no scope) is
 * underneath everything. Scopes are unique per workspace, so two candidates never tie.
 */
export function resolvePolicy<P extends ScopedPolicy>(
  policies: ReadonlyArray<P>,
  pair: { segmentIds: ReadonlyArray<string>; productClass: string | null; channel: string | null },
): PolicyResolution<P> {
  const reasons: string[] = [];
  const candidates: P[] = [];
  for (const p of policies) {
    if (!p.approvedTerms) {
      reasons.push(`${describe(p)} has no approved version yet, so it does not apply`);
      continue;
    }
    if (p.segmentId && !pair.segmentIds.includes(p.segmentId)) continue;
    if (p.productClass && p.productClass !== pair.productClass) continue;
    if (p.channel && p.channel !== pair.channel) continue;
    candidates.push(p);
  }
  candidates.sort((a, b) => specificity(b) - specificity(a));
  const [winner, ...others] = candidates;
  if (!winner)
    return {
      policy: null,
      reasons: [...reasons, "No approved policy matches, and there is no workspace default"],
    };
  return {
    policy: winner,
    reasons: [
      `${describe(winner)} applies: the most specific approved policy that matches`,
      ...others.map((p) => `${describe(p)} also matches but is more general`),
      ...reasons,
    ],
  };
}
