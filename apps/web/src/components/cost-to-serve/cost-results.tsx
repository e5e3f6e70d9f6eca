"use client";

import { Fragment, useId, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Label, Select } from "@/components/ui/field";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import {
  activityNames,
  type CostResult,
  formatMoney,
  formatPct,
  matrixThresholds,
  QUADRANT_LABELS,
  type Quadrant,
  quadrantOf,
  type ValueAxis,
  waterfallSteps,
  whaleSentence,
} from "./analysis";
import { type MatrixPoint, ValueMatrix } from "./charts/value-matrix";
import { WaterfallChart } from "./charts/waterfall-chart";
import { WhaleCurve } from "./charts/whale-curve";
import { CostCustomers } from "./cost-customers";

const ALL = "__all__";

/** A finished cost-to-serve run: headline figures, P&L by segment, waterfall, whale curve, matrix. */
export function CostResults({
  workspace,
  runId,
  result,
}: {
  workspace: string;
  runId: string;
  result: CostResult;
}) {
  const { currency, totals } = result;
  const margin = totals.net_sales === 0 ? null : (totals.net_profit / totals.net_sales) * 100;
  const customers = result.segments.reduce((n, s) => n + s.customers, 0);
  return (
    <div className="space-y-6">
      {result.linesWithoutCost > 0 && (
        <p
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {result.linesWithoutCost.toLocaleString("en-GB")} order{" "}
          {result.linesWithoutCost === 1 ? "line has" : "lines have"} no unit cost and no category margin, so
          their cost of goods counts as 0 and margins are overstated. Import unit costs or add a margin per
          category in the cost model.
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Figure
          label="Net sales"
          value={formatMoney(totals.net_sales, currency)}
          hint="Gross sales less discounts, returns and allowances"
        />
        <Figure
          label="Cost-to-serve"
          value={formatMoney(totals.cost_to_serve, currency)}
          hint={`${formatPct(totals.net_sales === 0 ? null : (totals.cost_to_serve / totals.net_sales) * 100)} of net sales, charged to customers by activity`}
        />
        <Figure
          label="Net profit"
          value={formatMoney(totals.net_profit, currency)}
          hint={`Margin ${formatPct(margin)}: gross margin less cost-to-serve`}
          isNegative={totals.net_profit < 0}
        />
        <Figure
          label="Loss-making customers"
          value={result.lossMakers.customers.toLocaleString("en-GB")}
          hint={`Together they lose ${formatMoney(Math.abs(result.lossMakers.net_profit), currency)}${customers ? ` (of ${customers.toLocaleString("en-GB")} customers)` : ""}`}
          isNegative={result.lossMakers.customers > 0}
        />
      </div>
      <PnlTable workspace={workspace} runId={runId} result={result} />
      <div className="grid gap-6 xl:grid-cols-2">
        <WaterfallCard result={result} />
        <WhaleCard result={result} />
      </div>
      <MatrixCard result={result} />
      <UnusedCapacity result={result} />
    </div>
  );
}

function Figure({
  label,
  value,
  hint,
  isNegative = false,
}: {
  label: string;
  value: string;
  hint: string;
  isNegative?: boolean;
}) {
  return (
    <Card>
      <CardContent>
        <p className="text-xs uppercase text-slate-500">{label}</p>
        <p className={`text-xl font-semibold tabular-nums ${isNegative ? "text-red-700" : "text-slate-900"}`}>
          {value}
        </p>
        <p className="text-xs text-slate-500">{hint}</p>
      </CardContent>
    </Card>
  );
}

/** Per segment: net sales down to net profit, each activity in its own column, a totals row; a row opens its customers. */
function PnlTable({ workspace, runId, result }: { workspace: string; runId: string; result: CostResult }) {
  const [open, setOpen] = useState<string | null>(null);
  const names = useMemo(() => activityNames(result.segments), [result.segments]);
  const columns = 8 + names.length;
  const totalActivities = useMemo(() => {
    const sum: Record<string, number> = {};
    for (const s of result.segments)
      for (const [k, v] of Object.entries(s.activities)) sum[k] = (sum[k] ?? 0) + v;
    return sum;
  }, [result.segments]);
  const { totals, currency } = result;
  const pct = (a: number) => (totals.net_sales === 0 ? null : (a / totals.net_sales) * 100);
  const money = (v: number, strong = false) => (
    <Td
      className={`whitespace-nowrap text-right tabular-nums ${v < 0 ? "text-red-700" : ""} ${strong ? "font-medium" : ""}`}
    >
      {formatMoney(v)}
    </Td>
  );
  return (
    <Card>
      <CardHeader>
        <CardTitle>Profit and loss by segment</CardTitle>
        <CardDescription>
          In {currency}. Cost-to-serve is broken down by activity of the cost model; margin and CTS are % of
          net sales. Open a segment to see its customers.
        </CardDescription>
      </CardHeader>
      <Table aria-label="Profit and loss by segment">
        <THead>
          <tr>
            <Th>Segment</Th>
            <Th className="text-right">Customers</Th>
            <Th className="text-right">Net sales</Th>
            <Th className="text-right">COGS</Th>
            <Th className="text-right">Gross margin</Th>
            {names.map((n) => (
              <Th key={n} className="text-right normal-case" title={`Cost-to-serve: ${n}`}>
                {n}
              </Th>
            ))}
            <Th className="text-right">Net profit</Th>
            <Th className="text-right">Margin %</Th>
            <Th className="text-right">CTS % of sales</Th>
          </tr>
        </THead>
        <TBody>
          {result.segments.map((s) => {
            const isOpen = open === s.segment;
            return (
              <Fragment key={s.segment}>
                <tr>
                  <Td className="font-medium text-slate-900">
                    <Button
                      size="sm"
                      variant="ghost"
                      className="-ml-3"
                      aria-expanded={isOpen}
                      onClick={() => setOpen(isOpen ? null : s.segment)}
                    >
                      <span aria-hidden>{isOpen ? "▾" : "▸"}</span>
                      {s.segment}
                    </Button>
                  </Td>
                  <Td className="text-right tabular-nums">{s.customers.toLocaleString("en-GB")}</Td>
                  {money(s.net_sales)}
                  {money(s.cogs)}
                  {money(s.gross_margin)}
                  {names.map((n) => (
                    <Fragment key={n}>{money(s.activities[n] ?? 0)}</Fragment>
                  ))}
                  {money(s.net_profit, true)}
                  <Td className="text-right tabular-nums">{formatPct(s.margin_pct)}</Td>
                  <Td className="text-right tabular-nums">{formatPct(s.cts_pct_of_sales)}</Td>
                </tr>
                {isOpen ? (
                  <tr>
                    <td colSpan={columns} className="bg-slate-50 px-4 py-4">
                      <CostCustomers
                        workspace={workspace}
                        runId={runId}
                        segment={s.segment}
                        currency={currency}
                      />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
          <tr className="border-t-2 border-slate-200 bg-slate-50 font-medium">
            <Td className="text-slate-900">
              <Button
                size="sm"
                variant="ghost"
                className="-ml-3"
                aria-expanded={open === ALL}
                onClick={() => setOpen(open === ALL ? null : ALL)}
              >
                <span aria-hidden>{open === ALL ? "▾" : "▸"}</span>
                All customers
              </Button>
            </Td>
            <Td className="text-right tabular-nums">
              {result.segments.length > 0
                ? result.segments.reduce((n, s) => n + s.customers, 0).toLocaleString("en-GB")
                : "–"}
            </Td>
            {money(totals.net_sales)}
            {money(totals.cogs)}
            {money(totals.gross_margin)}
            {names.map((n) => (
              <Fragment key={n}>{money(totalActivities[n] ?? 0)}</Fragment>
            ))}
            {money(totals.net_profit, true)}
            <Td className="text-right tabular-nums">{formatPct(pct(totals.net_profit))}</Td>
            <Td className="text-right tabular-nums">{formatPct(pct(totals.cost_to_serve))}</Td>
          </tr>
          {open === ALL ? (
            <tr>
              <td colSpan={columns} className="bg-slate-50 px-4 py-4">
                <CostCustomers workspace={workspace} runId={runId} currency={currency} />
              </td>
            </tr>
          ) : null}
        </TBody>
      </Table>
    </Card>
  );
}

function WaterfallCard({ result }: { result: CostResult }) {
  const id = useId();
  const [segment, setSegment] = useState(ALL);
  const totalActivities: Record<string, number> = {};
  for (const s of result.segments)
    for (const [k, v] of Object.entries(s.activities)) totalActivities[k] = (totalActivities[k] ?? 0) + v;
  const chosen = result.segments.find((s) => s.segment === segment);
  // Without segments the result has no activity breakdown of the totals: one cost-to-serve step.
  const figures = chosen ?? {
    ...result.totals,
    activities:
      result.segments.length > 0 ? totalActivities : { "Cost-to-serve": result.totals.cost_to_serve },
  };
  const steps = waterfallSteps(figures);
  const name = chosen ? chosen.segment : "all customers";
  return (
    <Card>
      <CardHeader className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1">
          <CardTitle>From net sales to net profit</CardTitle>
          <CardDescription>
            What cost of goods and each activity take from the net sales of {name}.
          </CardDescription>
        </div>
        <div className="w-48 space-y-1">
          <Label htmlFor={`${id}-segment`}>Segment</Label>
          <Select id={`${id}-segment`} value={segment} onChange={(e) => setSegment(e.target.value)}>
            <option value={ALL}>All customers</option>
            {result.segments.map((s) => (
              <option key={s.segment} value={s.segment}>
                {s.segment}
              </option>
            ))}
          </Select>
        </div>
      </CardHeader>
      <CardContent>
        <WaterfallChart
          steps={steps}
          currency={result.currency}
          label={`Waterfall of ${name}: net sales to net profit`}
        />
      </CardContent>
    </Card>
  );
}

function WhaleCard({ result }: { result: CostResult }) {
  const sentence = whaleSentence(result);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Whale curve</CardTitle>
        <CardDescription>
          Customers from most to least profitable; the curve is their cumulative profit as a share of the
          total.
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-3">
        {result.whale.length > 0 ? (
          <WhaleCurve points={result.whale} peak={result.whalePeak} />
        ) : (
          <p className="text-sm text-slate-500">No customers with order lines.</p>
        )}
        <p className="text-sm text-slate-700">
          {sentence ??
            "The customers make no profit together, so a share of total profit means nothing here: see the loss-makers in the table."}
        </p>
      </CardContent>
    </Card>
  );
}

function MatrixCard({ result }: { result: CostResult }) {
  const id = useId();
  const [axis, setAxis] = useState<ValueAxis>("net_sales");
  const thresholds = matrixThresholds(result, axis);
  const points: MatrixPoint[] = result.segments
    .filter((s) => s.cts_pct_of_sales !== null && (axis === "net_sales" || s.margin_pct !== null))
    .map((s) => {
      const x = axis === "net_sales" ? s.net_sales : (s.margin_pct ?? 0);
      const y = s.cts_pct_of_sales ?? 0;
      return {
        segment: s.segment,
        x,
        y,
        size: Math.max(0, s.net_sales),
        quadrant: quadrantOf(x, y, thresholds),
      };
    });
  const byQuadrant = (q: Quadrant) => points.filter((p) => p.quadrant === q).map((p) => p.segment);
  return (
    <Card>
      <CardHeader className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1">
          <CardTitle>Value vs cost-to-serve</CardTitle>
          <CardDescription>
            Each bubble is a segment, sized by net sales. A segment is high value right of the vertical line:{" "}
            {axis === "net_sales"
              ? `net sales above an average segment's (${formatMoney(thresholds.x, result.currency)})`
              : `a margin above everyone's together (${formatPct(thresholds.x)})`}
            ; it is costly to serve above the horizontal line: cost-to-serve above {formatPct(thresholds.y)}{" "}
            of sales, the share for all customers together.
          </CardDescription>
        </div>
        <div className="w-48 space-y-1">
          <Label htmlFor={`${id}-axis`}>Value axis</Label>
          <Select id={`${id}-axis`} value={axis} onChange={(e) => setAxis(e.target.value as ValueAxis)}>
            <option value="net_sales">Net sales</option>
            <option value="margin_pct">Margin %</option>
          </Select>
        </div>
      </CardHeader>
      <CardContent className="grid gap-6 lg:grid-cols-[1fr_16rem]">
        {points.length > 0 ? (
          <ValueMatrix points={points} thresholds={thresholds} axis={axis} currency={result.currency} />
        ) : (
          <p className="text-sm text-slate-500">
            {result.segments.length === 0
              ? "Computed without a segment set: compute again with one to place its segments here."
              : "No segment with net sales to place."}
          </p>
        )}
        <ul className="space-y-3 text-sm">
          {(["protect", "fix", "grow", "rethink"] as const).map((q) => (
            <li key={q}>
              <p className="font-medium text-slate-900">{QUADRANT_LABELS[q].title}</p>
              <p className="text-xs text-slate-500">{QUADRANT_LABELS[q].hint}</p>
              <p className="text-slate-700">{byQuadrant(q).join(", ") || "—"}</p>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}

function UnusedCapacity({ result }: { result: CostResult }) {
  const items = result.unusedCapacity.filter((u) => Math.abs(u.cost) >= 0.005);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Unused capacity</CardTitle>
        <CardDescription>
          Not charged to customers: the cost of the practical capacity of time-driven activities the period
          did not use. A negative amount means the capacity was used beyond what was planned.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {items.length === 0 ? (
          <p className="text-sm text-slate-500">None: no time-driven activity left capacity unused.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {items.map((u) => (
              <li key={u.activity} className="flex justify-between gap-3 py-2">
                <span className="text-slate-700">{u.activity}</span>
                <span className={`tabular-nums ${u.cost < 0 ? "text-red-700" : "text-slate-900"}`}>
                  {formatMoney(u.cost, result.currency)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
