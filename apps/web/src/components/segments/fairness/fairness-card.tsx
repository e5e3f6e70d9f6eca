"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Select } from "@/components/ui/field";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";

/** Colours of the values in the split bars (the rare ones share "Other"). */
const VALUE_COLORS = [
  "#2563eb",
  "#f59e0b",
  "#10b981",
  "#ef4444",
  "#8b5cf6",
  "#06b6d4",
  "#ec4899",
  "#84cc16",
  "#f97316",
  "#64748b",
  "#14b8a6",
  "#a855f7",
  "#94a3b8",
];

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;

/** Attributes people usually check first, when the workspace has them. */
const FIRST_CHOICES = ["country", "customer_type", "region", "gender", "age_band"];

/**
 * Fairness check: how each segment splits by an attribute the user picks (country, customer type,
 * age band…) against the whole population, with a skew per segment (total variation distance) and
 * a warning when one is strongly skewed, before a policy treats segments differently.
 */
export function FairnessCard({
  workspace,
  segmentSetId,
  runId,
  segmentNames,
}: {
  workspace: string;
  segmentSetId?: string;
  runId?: string;
  /** A run's cluster names, by cluster number (the api names clusters "Segment n"). */
  segmentNames?: readonly string[];
}) {
  const trpc = useTRPC();
  const selectId = useId();
  const target = segmentSetId ? { segmentSetId } : { runId: runId! };
  const offered = useQuery(trpc.segment.fairness.queryOptions({ workspace, ...target }));
  const [picked, setPicked] = useState<string | null>(null);
  const attributes = offered.data?.attributes ?? [];
  const attribute =
    picked ??
    FIRST_CHOICES.find((a) => attributes.some((o) => o.key === a)) ??
    attributes.find((a) => !a.isPersonal)?.key ??
    null;
  const check = useQuery({
    ...trpc.segment.fairness.queryOptions({ workspace, ...target, attribute: attribute ?? "" }),
    enabled: attribute !== null,
    placeholderData: keepPreviousData,
  });
  const result = check.data?.result ?? null;
  const strong = result?.segments.filter((s) => s.level === "strong") ?? [];
  const colorOf = (value: string) =>
    VALUE_COLORS[
      Math.max(0, result?.population.findIndex((p) => p.value === value) ?? 0) % VALUE_COLORS.length
    ];
  const nameOf = (s: { key: string; name: string }) =>
    runId && segmentNames?.[Number(s.key)] ? segmentNames[Number(s.key)]! : s.name;

  return (
    <Card aria-labelledby={`${selectId}-title`}>
      <CardHeader>
        <CardTitle id={`${selectId}-title`}>Fairness check</CardTitle>
        <CardDescription>
          How each segment splits by an attribute against all customers, before a policy treats segments
          differently. Skew is the total variation distance: the share of a segment that would have to differ
          for its split to match everyone&apos;s (0% the same, 100% nothing in common).
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        {offered.error ? <Alert tone="error">{toFormError(offered.error).message}</Alert> : null}
        {offered.data && attributes.length === 0 ? (
          <p className="text-sm text-slate-600">
            No customer attribute with a few distinct values to check by: import customers with attributes
            such as country or customer type.
          </p>
        ) : null}
        {attributes.length > 0 ? (
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <label htmlFor={selectId} className="font-medium text-slate-700">
              Check by
            </label>
            <Select
              id={selectId}
              className="h-8 max-w-56"
              value={attribute ?? ""}
              onChange={(e) => setPicked(e.target.value)}
            >
              {attributes.map((a) => (
                <option key={a.key} value={a.key}>
                  {a.key}
                  {a.isPersonal ? " (personal)" : ""}
                </option>
              ))}
            </Select>
            {result ? (
              <span className="text-slate-600">
                Cramér&apos;s V {result.cramersV.toFixed(2)} over {result.customers.toLocaleString("en")}{" "}
                customers
              </span>
            ) : null}
          </div>
        ) : null}
        {check.error ? <Alert tone="error">{toFormError(check.error).message}</Alert> : null}
        {result ? (
          <>
            {strong.length > 0 ? (
              <Alert tone="warning">
                <strong>
                  {strong.length === 1 ? "One segment is" : `${strong.length} segments are`} strongly skewed
                  by {result.attribute}.
                </strong>{" "}
                {strong.map((s) => skewSentence(nameOf(s), s.split)).join(" ")} A policy that treats{" "}
                {strong.length === 1 ? "it" : "them"} differently treats these {result.attribute} values
                differently too.
              </Alert>
            ) : (
              <p className="text-sm text-emerald-700">
                No segment is strongly skewed by {result.attribute} (every skew under{" "}
                {pct(result.thresholds.strong)}).
              </p>
            )}
            <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-label="Values">
              {result.population.map((p) => (
                <li key={p.value} className="flex items-center gap-1">
                  <span
                    className="inline-block size-2.5 rounded-sm"
                    style={{ background: colorOf(p.value) }}
                  />
                  {p.value}
                </li>
              ))}
            </ul>
            <table className="w-full text-sm">
              <thead>
                <tr className="text-left text-xs uppercase text-slate-500">
                  <th className="py-1 pr-3 font-medium">Segment</th>
                  <th className="w-1/2 py-1 pr-3 font-medium">Split by {result.attribute}</th>
                  <th className="py-1 text-right font-medium">Skew</th>
                </tr>
              </thead>
              <tbody>
                <SplitRow
                  label="All customers"
                  size={result.customers}
                  split={result.population}
                  colorOf={colorOf}
                  skew={null}
                  level="none"
                />
                {result.segments.map((s) => (
                  <SplitRow
                    key={s.key}
                    label={nameOf(s)}
                    swatch={s.color || undefined}
                    size={s.size}
                    split={s.split}
                    colorOf={colorOf}
                    skew={s.skew}
                    level={s.level}
                  />
                ))}
              </tbody>
            </table>
          </>
        ) : check.isLoading ? (
          <p className="text-sm text-slate-500">Counting…</p>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** "Lapsed bargain hunters: 44% lapsed against 14% of all customers." (the value furthest from everyone's share). */
function skewSentence(
  name: string,
  split: ReadonlyArray<{ value: string; share: number; populationShare: number }>,
): string {
  const most = [...split].sort(
    (a, b) => Math.abs(b.share - b.populationShare) - Math.abs(a.share - a.populationShare),
  )[0];
  return most
    ? `${name}: ${pct(most.share)} ${most.value} against ${pct(most.populationShare)} of all customers.`
    : `${name}.`;
}

function SplitRow({
  label,
  swatch,
  size,
  split,
  colorOf,
  skew,
  level,
}: {
  label: string;
  swatch?: string | undefined;
  size: number;
  split: ReadonlyArray<{ value: string; share: number }>;
  colorOf: (value: string) => string | undefined;
  skew: number | null;
  level: "none" | "moderate" | "strong";
}) {
  const description = split
    .filter((v) => v.share > 0)
    .map((v) => `${v.value} ${pct(v.share)}`)
    .join(", ");
  return (
    <tr className="border-t border-slate-100 align-middle">
      <th scope="row" className="py-2 pr-3 text-left font-normal">
        <span className="flex items-center gap-1.5">
          {swatch ? (
            <span className="inline-block size-2.5 rounded-full" style={{ background: swatch }} />
          ) : null}
          <span className={skew === null ? "font-medium" : ""}>{label}</span>
          <span className="text-xs text-slate-500">{size.toLocaleString("en")}</span>
        </span>
      </th>
      <td className="py-2 pr-3">
        <div
          className="flex h-3 w-full overflow-hidden rounded"
          role="img"
          aria-label={`${label}: ${description}`}
        >
          {split.map((v) =>
            v.share > 0 ? (
              <span
                key={v.value}
                title={`${v.value}: ${pct(v.share)}`}
                style={{ width: `${v.share * 100}%`, background: colorOf(v.value) }}
              />
            ) : null,
          )}
        </div>
      </td>
      <td className="py-2 text-right tabular-nums">
        {skew === null ? (
          "—"
        ) : (
          <span
            className={
              level === "strong"
                ? "rounded bg-red-100 px-1.5 py-0.5 font-medium text-red-800"
                : level === "moderate"
                  ? "rounded bg-amber-100 px-1.5 py-0.5 text-amber-800"
                  : "text-slate-700"
            }
          >
            {pct(skew)}
            {level === "strong" ? " strong" : level === "moderate" ? " moderate" : ""}
          </span>
        )}
      </td>
    </tr>
  );
}
