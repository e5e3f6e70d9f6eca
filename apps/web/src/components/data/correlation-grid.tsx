/** Diverging colour for r in [-1, 1]: blue for negative, white at 0, red for positive. */
function colour(r: number): string {
  const a = Math.min(1, Math.abs(r));
  return r >= 0 ? `rgba(220, 38, 38, ${a})` : `rgba(37, 99, 235, ${a})`;
}

/** A correlation heatmap as a CSS grid: light enough for 30 features, readable labels, a title per cell. */
export function CorrelationGrid({ features, matrix }: { features: string[]; matrix: number[][] }) {
  const n = features.length;
  return (
    <div className="overflow-x-auto">
      <div
        role="img"
        aria-label="Correlation heatmap of customer features"
        className="inline-grid gap-px text-[10px]"
        style={{ gridTemplateColumns: `10rem repeat(${n}, 1.5rem)` }}
      >
        <span />
        {features.map((f) => (
          <span
            key={`h-${f}`}
            className="h-28 truncate whitespace-nowrap text-slate-600 [writing-mode:vertical-rl]"
            title={f}
          >
            {f}
          </span>
        ))}
        {features.map((row, i) => (
          <div key={`r-${row}`} className="contents">
            <span className="truncate pr-2 text-right text-slate-600" title={row}>
              {row}
            </span>
            {features.map((col, j) => {
              const r = matrix[i]?.[j] ?? 0;
              return (
                <span
                  key={`${row}-${col}`}
                  className="h-6 w-6"
                  style={{ background: colour(r) }}
                  title={`${row} × ${col}: r = ${r.toFixed(2)}`}
                />
              );
            })}
          </div>
        ))}
      </div>
      <p className="mt-2 text-xs text-slate-500">
        Red: move together · blue: move in opposite directions · white: unrelated.
      </p>
    </div>
  );
}
