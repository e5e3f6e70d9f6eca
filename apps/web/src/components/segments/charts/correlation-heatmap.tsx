import { featureLabel } from "../result-types";

/** Blue for negative, red for positive correlation; white at 0. */
function cellColor(r: number | null): string {
  if (r === null) return "#f1f5f9";
  const t = Math.min(1, Math.abs(r));
  const [from, to] =
    r >= 0
      ? [
          [255, 255, 255],
          [220, 38, 38],
        ]
      : [
          [255, 255, 255],
          [37, 99, 235],
        ];
  const mix = (i: number) => Math.round(from[i]! + (to[i]! - from[i]!) * t);
  return `rgb(${mix(0)} ${mix(1)} ${mix(2)})`;
}

/** Pearson correlation of the features used, as a table so screen readers can read every value. */
export function CorrelationHeatmap({
  features,
  matrix,
}: {
  features: string[];
  matrix: Array<Array<number | null>>;
}) {
  if (features.length === 0) return <p className="text-sm text-slate-500">No correlations to show.</p>;
  return (
    <div className="overflow-x-auto">
      <table
        className="border-separate border-spacing-0.5 text-xs"
        aria-label="Correlation between the features used"
      >
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Feature</span>
            </th>
            {features.map((f) => (
              <th key={f} scope="col" className="h-28 w-9 align-bottom font-normal text-slate-600">
                <span
                  className="inline-block max-w-28 origin-bottom-left translate-x-4 -rotate-60 truncate whitespace-nowrap text-left"
                  title={featureLabel(f)}
                >
                  {featureLabel(f)}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {features.map((row, a) => (
            <tr key={row}>
              <th
                scope="row"
                className="max-w-44 truncate pr-2 text-right font-normal text-slate-600"
                title={featureLabel(row)}
              >
                {featureLabel(row)}
              </th>
              {features.map((col, b) => {
                const r = matrix[a]?.[b] ?? null;
                return (
                  <td
                    key={col}
                    className="size-9 text-center tabular-nums"
                    style={{
                      backgroundColor: cellColor(r),
                      color: r !== null && Math.abs(r) > 0.6 ? "white" : "#334155",
                    }}
                    title={`${featureLabel(row)} × ${featureLabel(col)}: ${r === null ? "n/a" : r.toFixed(2)}`}
                  >
                    {r === null ? "" : r.toFixed(1).replace("-0.0", "0.0")}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
