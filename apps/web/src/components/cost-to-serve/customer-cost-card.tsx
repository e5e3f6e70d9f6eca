"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { formatMoney, formatPct } from "./analysis";
import { ActivityList } from "./cost-customers";

/** A customer's profit and loss from the latest cost-to-serve run, or a hint when there is none. */
export function CustomerCostCard({ workspace, customerId }: { workspace: string; customerId: string }) {
  const trpc = useTRPC();
  const cost = useQuery(trpc.costToServe.customer.queryOptions({ workspace, customerId }));
  const c = cost.data;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Cost to serve</CardTitle>
        <CardDescription>
          {c
            ? `From the cost-to-serve computed ${formatDateTime(c.computedAt)}${c.segment ? `, segment ${c.segment}` : ""}.`
            : "What serving this customer costs and what it earns once that is counted."}
        </CardDescription>
      </CardHeader>
      <CardContent>
        {cost.isPending ? <p className="text-sm text-slate-500">Loading…</p> : null}
        {cost.error ? <p className="text-sm text-red-700">{cost.error.message}</p> : null}
        {!cost.isPending && !cost.error && !c ? (
          <p className="text-sm text-slate-500">
            Not computed for this customer yet:{" "}
            <Link className="text-brand-700 hover:underline" href={`/${workspace}/cost-to-serve`}>
              compute cost-to-serve
            </Link>
            .
          </p>
        ) : null}
        {c ? (
          <div className="space-y-4">
            <dl className="grid gap-4 sm:grid-cols-4">
              {[
                { label: "Net sales", value: formatMoney(c.net_sales, c.currency), isNegative: false },
                {
                  label: "Cost-to-serve",
                  value: formatMoney(c.cost_to_serve, c.currency),
                  isNegative: false,
                  note: `${formatPct(c.cts_pct_of_sales)} of net sales`,
                },
                {
                  label: "Net profit",
                  value: formatMoney(c.net_profit, c.currency),
                  isNegative: c.net_profit < 0,
                  note: `Gross margin ${formatMoney(c.gross_margin, c.currency)} less cost-to-serve`,
                },
                { label: "Margin", value: formatPct(c.margin_pct), isNegative: (c.margin_pct ?? 0) < 0 },
              ].map((f) => (
                <div key={f.label}>
                  <dt className="text-xs uppercase text-slate-500">{f.label}</dt>
                  <dd
                    className={`text-xl font-semibold tabular-nums ${f.isNegative ? "text-red-700" : "text-slate-900"}`}
                  >
                    {f.value}
                  </dd>
                  {f.note ? <dd className="text-xs text-slate-500">{f.note}</dd> : null}
                </div>
              ))}
            </dl>
            <div>
              <h3 className="mb-2 text-sm font-medium text-slate-700">By activity</h3>
              <ActivityList activities={c.activities} currency={c.currency} total={c.cost_to_serve} />
            </div>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
