"use client";

import { useId, useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatMoney, formatPct } from "@/components/cost-to-serve/analysis";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label, Select } from "@/components/ui/field";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { cn } from "@/lib/cn";
import {
  activityRows,
  delta,
  deltaTone,
  effectSentence,
  METRICS,
  type MetricKey,
  type ScenarioFigures,
  type ScenarioResult,
} from "./scenario-figures";

const AXIS = { fontSize: 12, fill: "#475569" };
const COMPACT = new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 });
/** Axis ticks: 150K, −220K, 0 (the tooltip gives the exact figure). */
const axisMoney = (v: number) => COMPACT.format(v);
const TONE_CLASSES = { good: "text-emerald-700", bad: "text-red-700", none: "text-slate-500" } as const;
const ALL = "__all__";

export function formatFigure(value: number, metric: { isUnits?: boolean }, currency?: string): string {
  return metric.isUnits ? Math.round(value).toLocaleString("en-GB") : formatMoney(value, currency);
}

function signed(value: number, metric: { isUnits?: boolean }, currency?: string): string {
  if (Math.abs(value) < 0.005) return "±0";
  return `${value > 0 ? "+" : "−"}${formatFigure(Math.abs(value), metric, currency)}`;
}

/** A change, coloured by whether it is good (a cost down, sales or profit up). */
export function Delta({
  metric,
  before,
  after,
  currency,
  className,
}: {
  metric: { isCost: boolean; isUnits?: boolean };
  before: number;
  after: number;
  currency?: string | undefined;
  className?: string;
}) {
  const d = delta(before, after);
  return (
    <span className={cn("tabular-nums", TONE_CLASSES[deltaTone(metric, d.value)], className)}>
      {signed(d.value, metric, currency)}
      {d.pct !== null && Math.abs(d.value) >= 0.005 ? ` (${d.pct > 0 ? "+" : ""}${formatPct(d.pct)})` : ""}
    </span>
  );
}

/**
 * An evaluated scenario: the headline figures before and after with their changes, the effect in a
 * sentence, cost-to-serve by activity (all customers or one segment) as a table and a chart, and
 * every segment's figures.
 */
export function ScenarioResults({ result }: { result: ScenarioResult }) {
  const { currency, totals } = result;
  const [scope, setScope] = useState(ALL);
  const selectId = useId();
  const group =
    scope === ALL ? totals : (result.segments.find((s) => (s.segmentId ?? "") === scope) ?? totals);
  const rows = activityRows(group.before, group.after);
  return (
    <div className="space-y-6">
      <p
        role="status"
        className="rounded-md border border-brand-100 bg-brand-50 px-4 py-3 text-sm text-brand-800"
      >
        {effectSentence(result, (v) => formatMoney(v, currency))}
      </p>
      <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5" aria-label="Scenario totals">
        {METRICS.map((m) => (
          <div key={m.key} className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
            <dt className="text-xs font-medium uppercase text-slate-500">
              {m.label}
              {m.isUnits ? "" : ` (${currency})`}
            </dt>
            <dd className="mt-1 space-y-0.5">
              <span className="block text-lg font-semibold tabular-nums text-slate-900">
                {formatFigure(totals.after[m.key], m)}
              </span>
              <span className="block text-xs text-slate-500">
                was {formatFigure(totals.before[m.key], m)}
              </span>
              <Delta
                metric={m}
                before={totals.before[m.key]}
                after={totals.after[m.key]}
                className="block text-sm font-medium"
              />
            </dd>
          </div>
        ))}
      </dl>

      <Card>
        <CardHeader className="flex flex-wrap items-end justify-between gap-3">
          <div className="space-y-1">
            <CardTitle>Cost-to-serve by activity</CardTitle>
            <CardDescription>
              Before (the period&apos;s order lines as they happened) and after (re-priced under the
              scenario), in {currency}; inventory carrying is its own activity.
            </CardDescription>
          </div>
          <div className="flex items-center gap-2">
            <Label htmlFor={selectId} className="whitespace-nowrap">
              Customers
            </Label>
            <Select id={selectId} className="w-56" value={scope} onChange={(e) => setScope(e.target.value)}>
              <option value={ALL}>All customers</option>
              {result.segments.map((s) => (
                <option key={s.segmentId ?? ""} value={s.segmentId ?? ""}>
                  {s.segment}
                </option>
              ))}
            </Select>
          </div>
        </CardHeader>
        <CardContent className="grid gap-6 2xl:grid-cols-2">
          <Table aria-label="Cost-to-serve by activity">
            <THead>
              <tr>
                <Th>Activity</Th>
                <Th className="text-right">Before</Th>
                <Th className="text-right">After</Th>
                <Th className="text-right">Change</Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((r) => (
                <tr key={r.activity}>
                  <Td className="first-letter:uppercase">{r.activity}</Td>
                  <Td className="text-right tabular-nums">{formatMoney(r.before)}</Td>
                  <Td className="text-right tabular-nums">{formatMoney(r.after)}</Td>
                  <Td className="text-right">
                    <Delta metric={{ isCost: true }} before={r.before} after={r.after} />
                  </Td>
                </tr>
              ))}
              <tr className="font-semibold">
                <Td>Total cost-to-serve</Td>
                <Td className="text-right tabular-nums">{formatMoney(group.before.cost_to_serve)}</Td>
                <Td className="text-right tabular-nums">{formatMoney(group.after.cost_to_serve)}</Td>
                <Td className="text-right">
                  <Delta
                    metric={{ isCost: true }}
                    before={group.before.cost_to_serve}
                    after={group.after.cost_to_serve}
                  />
                </Td>
              </tr>
            </TBody>
          </Table>
          <ActivityChart rows={rows} currency={currency} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>By segment</CardTitle>
          <CardDescription>
            Customers grouped by the policy they are served under; each figure after the scenario, with its
            change.
          </CardDescription>
        </CardHeader>
        <CardContent className="p-0">
          <SegmentTable result={result} />
        </CardContent>
      </Card>
      {result.notes?.length ? (
        <ul className="list-disc space-y-1 pl-5 text-xs text-slate-500">
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function SegmentTable({ result }: { result: ScenarioResult }) {
  const { currency } = result;
  const cell = (m: (typeof METRICS)[number], before: ScenarioFigures, after: ScenarioFigures) => (
    <Td key={m.key} className="text-right">
      <span className="block tabular-nums text-slate-900">{formatFigure(after[m.key], m)}</span>
      <Delta metric={m} before={before[m.key]} after={after[m.key]} className="block text-xs" />
    </Td>
  );
  return (
    <Table aria-label="Scenario by segment">
      <THead>
        <tr>
          <Th>Segment</Th>
          <Th className="text-right">Customers</Th>
          {METRICS.map((m) => (
            <Th key={m.key} className="text-right">
              {m.label}
              {m.isUnits ? "" : ` (${currency})`}
            </Th>
          ))}
        </tr>
      </THead>
      <TBody>
        {result.segments.map((s) => (
          <tr key={s.segmentId ?? "rest"}>
            <Td className="font-medium text-slate-900">{s.segment}</Td>
            <Td className="text-right tabular-nums">{s.customers.toLocaleString("en-GB")}</Td>
            {METRICS.map((m) => cell(m, s.before, s.after))}
          </tr>
        ))}
        <tr className="bg-slate-50 font-semibold">
          <Td>All customers</Td>
          <Td className="text-right tabular-nums">
            {result.segments.reduce((n, s) => n + s.customers, 0).toLocaleString("en-GB")}
          </Td>
          {METRICS.map((m) => cell(m, result.totals.before, result.totals.after))}
        </tr>
      </TBody>
    </Table>
  );
}

function ActivityChart({
  rows,
  currency,
}: {
  rows: ReadonlyArray<{ activity: string; before: number; after: number }>;
  currency: string;
}) {
  // Horizontal bars: activity names stay readable however many the cost model has.
  return (
    <figure
      aria-label="Cost-to-serve by activity, before and after"
      className="w-full"
      style={{ height: 64 + rows.length * 40 }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={[...rows]} layout="vertical" margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tick={AXIS} tickFormatter={axisMoney} />
          <YAxis type="category" dataKey="activity" tick={AXIS} width={170} interval={0} />
          <ReferenceLine x={0} stroke="#64748b" />
          <Tooltip formatter={(v) => formatMoney(Number(v), currency)} />
          <Legend verticalAlign="top" height={28} itemSorter={null} />
          <Bar dataKey="before" name="Before" fill="#94a3b8" isAnimationActive={false} />
          <Bar dataKey="after" name="After" fill="#2563eb" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** The headline changes of several scenarios side by side, as grouped bars. */
export function ScenarioDeltaChart({
  scenarios,
  currency,
}: {
  scenarios: ReadonlyArray<{ name: string; result: ScenarioResult }>;
  currency: string;
}) {
  const keys: MetricKey[] = ["net_sales", "cost_to_serve", "inventory_carrying_cost", "net_profit"];
  const data = keys.map((k) => {
    const metric = METRICS.find((m) => m.key === k)!;
    const row: Record<string, string | number> = { metric: metric.label };
    for (const s of scenarios) row[s.name] = s.result.totals.after[k] - s.result.totals.before[k];
    return row;
  });
  const colors = ["#2563eb", "#f59e0b", "#059669", "#9333ea"];
  return (
    <figure aria-label="Change per scenario" className="h-80 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="metric" tick={AXIS} />
          <YAxis tick={AXIS} width={72} tickFormatter={axisMoney} />
          <ReferenceLine y={0} stroke="#64748b" />
          <Tooltip formatter={(v) => formatMoney(Number(v), currency)} />
          <Legend verticalAlign="top" height={28} itemSorter={null} />
          {scenarios.map((s, i) => (
            <Bar key={s.name} dataKey={s.name} fill={colors[i % colors.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
