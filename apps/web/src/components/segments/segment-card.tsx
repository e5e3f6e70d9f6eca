import { DeviationBars } from "./charts/deviation-bars";
import { type Explanation, formatNumber, formatPercent, segmentColor } from "./result-types";

export interface SegmentCardData {
  segment: number;
  size: number;
  share: number;
  revenueShare: number | null;
}

/** One segment of a run: size and share, share of revenue, what sets it apart, rules, a suggested name. */
export function SegmentCard({
  data,
  explanation,
  name,
}: {
  data: SegmentCardData;
  explanation: Explanation | null;
  name: string;
}) {
  const color = segmentColor(data.segment);
  const profile =
    data.segment >= 0 ? explanation?.segments[data.segment] : (explanation?.noiseProfile ?? undefined);
  const deviations =
    profile && explanation
      ? profile.top.slice(0, 5).map((j) => ({
          feature: explanation.features[j] ?? `feature ${j}`,
          deviation: profile.deviation[j] ?? 0,
          mean: profile.mean[j] ?? null,
          overall: explanation.overall.mean[j] ?? null,
        }))
      : [];
  const headingId = `segment-${data.segment}-title`;
  const isOneVsRest = profile?.rules[0]?.source === "one-vs-rest";
  return (
    <article
      aria-labelledby={headingId}
      className="flex min-w-0 flex-col rounded-lg border border-slate-200 bg-white shadow-sm"
    >
      <div className="h-1.5 rounded-t-lg" style={{ backgroundColor: color }} />
      <div className="space-y-4 p-4">
        <div>
          <p className="text-xs font-medium uppercase tracking-wide text-slate-500">
            {data.segment < 0 ? "Noise" : `Segment ${data.segment + 1}`}
          </p>
          <h3 id={headingId} className="text-base font-semibold text-slate-900">
            {name}
          </h3>
        </div>
        <dl className="grid grid-cols-3 gap-2 text-center">
          <div className="rounded-md bg-slate-50 p-2">
            <dt className="text-[11px] text-slate-500">Customers</dt>
            <dd className="text-sm font-semibold tabular-nums text-slate-900">
              {data.size.toLocaleString("en")}
            </dd>
          </div>
          <div className="rounded-md bg-slate-50 p-2">
            <dt className="text-[11px] text-slate-500">Share</dt>
            <dd className="text-sm font-semibold tabular-nums text-slate-900">{formatPercent(data.share)}</dd>
          </div>
          <div className="rounded-md bg-slate-50 p-2">
            <dt className="text-[11px] text-slate-500">Revenue</dt>
            <dd className="text-sm font-semibold tabular-nums text-slate-900">
              {formatPercent(data.revenueShare)}
            </dd>
          </div>
        </dl>
        {data.segment < 0 ? (
          <p className="text-sm text-slate-600">
            Customers in no dense group: outliers DBSCAN left unassigned.
          </p>
        ) : null}
        {deviations.length > 0 ? (
          <section aria-label="Distinguishing features">
            <h4 className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
              What sets it apart
            </h4>
            <DeviationBars items={deviations} color={color} />
          </section>
        ) : null}
        {profile && profile.rules.length > 0 ? (
          <section aria-label="Rules">
            <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
              {isOneVsRest
                ? "Rules (this segment against the rest)"
                : `Rules${explanation ? ` (tree fidelity ${formatNumber(explanation.fidelity)}%)` : ""}`}
            </h4>
            {isOneVsRest ? (
              <p className="mb-1.5 text-[11px] text-slate-500">
                The tree for all segments gives this one no branch of its own, so these come from a tree that
                only separates it from everyone else.
              </p>
            ) : null}
            <ul className="space-y-1.5">
              {profile.rules.slice(0, 2).map((rule) => (
                <li key={rule.text} className="rounded bg-slate-50 px-2 py-1.5 text-xs text-slate-700">
                  <code className="break-words font-mono text-[11px]">{rule.text}</code>
                  <span className="mt-0.5 block text-[11px] text-slate-500">
                    {formatPercent(rule.precision)} of the {rule.support.toLocaleString("en")} customers it
                    selects are in this segment; covers {formatPercent(rule.recall)} of it
                  </span>
                </li>
              ))}
            </ul>
            {profile.ruleFit && profile.rules.length > 1 ? (
              <p className="mt-1.5 text-[11px] text-slate-500">
                Its rules together cover {formatPercent(profile.ruleFit.recall)} of the segment;{" "}
                {formatPercent(profile.ruleFit.precision)} of the customers they select are in it.
              </p>
            ) : null}
          </section>
        ) : null}
      </div>
    </article>
  );
}
