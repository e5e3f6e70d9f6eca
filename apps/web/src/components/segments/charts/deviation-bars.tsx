import { isYearFeature } from "@/lib/format";
import { featureLabel, formatNumber } from "../result-types";

/** A segment's or the population's mean: years as written (1963.8), other figures grouped. */
function formatMean(feature: string, value: number | null): string {
  if (value !== null && isYearFeature(feature, value)) return value.toFixed(1).replace(/\.0$/, "");
  return formatNumber(value);
}

export interface Deviation {
  feature: string;
  deviation: number;
  mean: number | null;
  overall: number | null;
}

/**
 * How a segment differs from everyone, per feature: a bar left (below average) or right (above),
 * length in standard deviations (capped at 2.5), with the means in the feature's own units.
 */
export function DeviationBars({ items, color }: { items: Deviation[]; color: string }) {
  const CAP = 2.5;
  return (
    <ul className="space-y-2">
      {items.map((item) => {
        const width = Math.min(1, Math.abs(item.deviation) / CAP) * 50;
        const isAbove = item.deviation >= 0;
        return (
          <li key={item.feature} className="text-xs">
            <div className="flex items-baseline justify-between gap-2">
              <span className="truncate font-medium text-slate-700" title={featureLabel(item.feature)}>
                {featureLabel(item.feature)}
              </span>
              <span className="shrink-0 tabular-nums text-slate-500">
                {formatMean(item.feature, item.mean)}{" "}
                <span className="text-slate-400">vs {formatMean(item.feature, item.overall)} avg</span>
              </span>
            </div>
            <div
              className="relative mt-1 h-2 rounded-full bg-slate-100"
              role="img"
              aria-label={`${featureLabel(item.feature)}: ${formatNumber(Math.abs(item.deviation))} standard deviations ${isAbove ? "above" : "below"} average`}
            >
              <span className="absolute inset-y-0 left-1/2 w-px bg-slate-400" />
              <span
                className="absolute inset-y-0 rounded-full"
                style={{
                  backgroundColor: color,
                  width: `${width}%`,
                  left: isAbove ? "50%" : `${50 - width}%`,
                }}
              />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
