"use client";

import type { RouterOutputs } from "@strata/api";
import { Alert } from "@/components/ui/alert";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Label, Select } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { formatPercent } from "../result-types";

type Preview = RouterOutputs["segment"]["previewRule"];

function formatValue(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "number") return value.toLocaleString("en", { maximumFractionDigits: 2 });
  return String(value);
}

/**
 * What the rule matches now: customers and their share of customers and revenue, how they spread
 * over the segments of an ML set, and a sample. Announced politely as it changes.
 */
export function RulePreviewPanel({
  preview,
  isUpdating,
  isIncomplete,
  error,
  overlapSetId,
  onOverlapSetChange,
  mlSets,
}: {
  preview: Preview | null;
  isUpdating: boolean;
  isIncomplete: boolean;
  error: string | null;
  overlapSetId: string;
  onOverlapSetChange: (id: string) => void;
  mlSets: Array<{ id: string; name: string }>;
}) {
  const overlapMax = Math.max(1, ...(preview?.overlap ?? []).map((o) => o.matching));
  return (
    <Card aria-busy={isUpdating || undefined}>
      <CardHeader className="flex flex-row items-center justify-between gap-3">
        <CardTitle>Live preview</CardTitle>
        {isUpdating ? (
          <span className="inline-flex items-center gap-1.5 text-xs text-slate-500">
            <Spinner className="size-3.5" /> Updating…
          </span>
        ) : null}
      </CardHeader>
      <CardContent className="space-y-5">
        {error ? <Alert tone="error">{error}</Alert> : null}
        {isIncomplete ? (
          <p className="text-sm text-slate-500">Complete the marked conditions to see who matches.</p>
        ) : null}
        {!preview && !isIncomplete && !error ? (
          <p className="flex items-center gap-2 text-sm text-slate-500">
            <Spinner className="size-4" /> Counting matching customers…
          </p>
        ) : null}
        {preview ? (
          <div className={isIncomplete ? "opacity-50" : undefined}>
            <div role="status" aria-live="polite" aria-label="Matching customers">
              <p
                className="text-3xl font-semibold tabular-nums text-slate-900"
                data-testid="preview-matching"
              >
                {preview.estimate ? "≈ " : ""}
                {preview.matching.toLocaleString("en")}
              </p>
              <p className="text-sm text-slate-600">
                matching customers of {preview.customers.toLocaleString("en")}
              </p>
              {preview.estimate && (
                <p className="text-xs text-slate-500">
                  Estimated from a sample of {preview.estimate.sampled.toLocaleString("en")} customers (±
                  {preview.estimate.matchingMargin.toLocaleString("en")}, 95%) so it keeps up while you type;
                  saving counts every customer.
                </p>
              )}
            </div>
            <dl className="mt-4 grid grid-cols-2 gap-3 text-sm">
              <div className="rounded-md bg-slate-50 px-3 py-2">
                <dt className="text-slate-500">Share of customers</dt>
                <dd className="text-lg font-semibold tabular-nums text-slate-900">
                  {formatPercent(preview.customerShare)}
                </dd>
              </div>
              <div className="rounded-md bg-slate-50 px-3 py-2">
                <dt className="text-slate-500">Share of revenue</dt>
                <dd className="text-lg font-semibold tabular-nums text-slate-900">
                  {preview.revenueShare === null ? "no revenue yet" : formatPercent(preview.revenueShare)}
                </dd>
              </div>
            </dl>
            {preview.warning ? (
              <Alert tone="warning" className="mt-4">
                {preview.warning}
              </Alert>
            ) : null}
          </div>
        ) : null}

        <div className="space-y-2">
          <Label htmlFor="overlap-set">Overlap with the segments of</Label>
          <Select id="overlap-set" value={overlapSetId} onChange={(e) => onOverlapSetChange(e.target.value)}>
            <option value="">No segment set</option>
            {mlSets.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
          {preview?.overlap && preview.overlap.length > 0 ? (
            <ul aria-label="Overlap with ML segments" className="space-y-1.5 pt-1">
              {preview.overlap.map((o) => (
                <li key={o.segmentId} className="text-sm">
                  <div className="flex justify-between gap-2">
                    <span className="truncate text-slate-700">{o.name}</span>
                    <span className="tabular-nums text-slate-500">
                      {o.matching.toLocaleString("en")}
                      {preview.matching ? ` (${formatPercent(o.matching / preview.matching)})` : ""}
                    </span>
                  </div>
                  <div className="mt-0.5 h-2 rounded-full bg-slate-100" aria-hidden>
                    <div
                      className="h-2 rounded-full bg-brand-500"
                      style={{ width: `${(o.matching / overlapMax) * 100}%` }}
                    />
                  </div>
                </li>
              ))}
            </ul>
          ) : null}
          {mlSets.length === 0 ? (
            <p className="text-xs text-slate-500">Publish a run as a segment set to compare with it.</p>
          ) : null}
        </div>

        {preview && preview.sample.length > 0 ? (
          <div>
            <h3 className="text-sm font-medium text-slate-700">Sample of matching customers</h3>
            <div className="mt-2 max-h-72 overflow-auto rounded-md border border-slate-200">
              <table className="w-full text-left text-xs" aria-label="Sample of matching customers">
                <thead className="sticky top-0 bg-slate-50 text-slate-500">
                  <tr>
                    <th scope="col" className="px-2 py-1.5 font-medium">
                      Customer
                    </th>
                    {preview.sampleFields.map((key) => (
                      <th key={key} scope="col" className="px-2 py-1.5 text-right font-medium">
                        {key.split(":").slice(1).join(":")}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {preview.sample.map((c) => (
                    <tr key={c.id}>
                      <td className="px-2 py-1.5 font-medium text-slate-800">{c.externalId}</td>
                      {preview.sampleFields.map((key) => (
                        <td key={key} className="px-2 py-1.5 text-right tabular-nums text-slate-600">
                          {formatValue(c.values[key])}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
