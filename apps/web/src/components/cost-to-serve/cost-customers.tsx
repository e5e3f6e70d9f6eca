"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Label, Select } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { toFormError } from "@/lib/errors";
import { useTRPC } from "@/trpc/react";
import { formatMoney, formatPct } from "./analysis";

type Sort = "net_profit" | "-net_profit" | "cost_to_serve" | "net_sales";
const SORTS: Record<Sort, string> = {
  net_profit: "Least profitable first",
  "-net_profit": "Most profitable first",
  cost_to_serve: "Highest cost-to-serve first",
  net_sales: "Highest net sales first",
};
const PAGE_SIZE = 25;

/**
 * The customers of one segment of a cost-to-serve run (or all of them), a page at a time, sorted
 * by profit, cost-to-serve or sales; each row opens its activity breakdown and links to the customer.
 */
export function CostCustomers({
  workspace,
  runId,
  segment,
  currency,
}: {
  workspace: string;
  runId: string;
  segment?: string | undefined;
  currency: string;
}) {
  const trpc = useTRPC();
  const [sort, setSort] = useState<Sort>("net_profit");
  // Cursors of the pages seen so far: the api pages forward with a cursor, Previous pops one.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [openRow, setOpenRow] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const list = useQuery({
    ...trpc.costToServe.customers.queryOptions({
      workspace,
      runId,
      ...(segment !== undefined ? { segment } : {}),
      sort,
      ...(cursor ? { cursor } : {}),
      limit: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });
  const label = segment === undefined ? "All customers" : `Customers of ${segment}`;
  const idBase = `cts-customers-${(segment ?? "all").replace(/\W+/g, "-")}`;

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="w-64 space-y-1">
          <Label htmlFor={`${idBase}-sort`}>Sort customers</Label>
          <Select
            id={`${idBase}-sort`}
            value={sort}
            onChange={(e) => {
              setSort(e.target.value as Sort);
              setCursors([undefined]);
            }}
          >
            {(Object.keys(SORTS) as Sort[]).map((s) => (
              <option key={s} value={s}>
                {SORTS[s]}
              </option>
            ))}
          </Select>
        </div>
        <nav
          aria-label={`Pages of ${label.toLowerCase()}`}
          className="flex items-center gap-2 text-sm text-slate-600"
        >
          <span>Page {cursors.length}</span>
          <Button
            size="sm"
            variant="secondary"
            disabled={cursors.length <= 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Previous
          </Button>
          <Button
            size="sm"
            variant="secondary"
            disabled={!list.data?.nextCursor}
            onClick={() => list.data?.nextCursor && setCursors([...cursors, list.data.nextCursor])}
          >
            Next
          </Button>
        </nav>
      </div>
      {list.isPending ? <LoadingState label="Loading customers…" /> : null}
      {list.error ? <Alert tone="error">{toFormError(list.error).message}</Alert> : null}
      {list.data && list.data.items.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-500">No customers here.</p>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <Table aria-label={label} aria-busy={list.isFetching || undefined}>
          <THead>
            <tr>
              <Th>Customer</Th>
              {segment === undefined ? <Th>Segment</Th> : null}
              <Th className="text-right">Net sales</Th>
              <Th className="text-right">Gross margin</Th>
              <Th className="text-right">Cost-to-serve</Th>
              <Th className="text-right">Net profit</Th>
              <Th className="text-right">Margin</Th>
              <Th className="text-right">CTS % of sales</Th>
              <Th>
                <span className="sr-only">Activities</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {list.data.items.map((c) => {
              const isOpen = openRow === c.customerId;
              const detailId = `${idBase}-${c.customerId}`;
              return (
                <Fragment key={c.customerId}>
                  <tr>
                    <Td className="font-medium text-slate-900">
                      <Link className="hover:underline" href={`/${workspace}/data/customers/${c.customerId}`}>
                        {c.externalId}
                      </Link>
                    </Td>
                    {segment === undefined ? <Td>{c.segment ?? "—"}</Td> : null}
                    <Td className="text-right tabular-nums">{formatMoney(c.net_sales)}</Td>
                    <Td className="text-right tabular-nums">{formatMoney(c.gross_margin)}</Td>
                    <Td className="text-right tabular-nums">{formatMoney(c.cost_to_serve)}</Td>
                    <Td
                      className={`text-right font-medium tabular-nums ${c.net_profit < 0 ? "text-red-700" : "text-slate-900"}`}
                    >
                      {formatMoney(c.net_profit)}
                    </Td>
                    <Td className="text-right tabular-nums">{formatPct(c.margin_pct)}</Td>
                    <Td className="text-right tabular-nums">{formatPct(c.cts_pct_of_sales)}</Td>
                    <Td className="text-right">
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-expanded={isOpen}
                        aria-controls={isOpen ? detailId : undefined}
                        onClick={() => setOpenRow(isOpen ? null : c.customerId)}
                      >
                        {isOpen ? "Hide" : "Activities"}
                        <span className="sr-only"> of {c.externalId}</span>
                      </Button>
                    </Td>
                  </tr>
                  {isOpen ? (
                    <tr id={detailId}>
                      <td colSpan={segment === undefined ? 9 : 8} className="bg-slate-50 px-4 py-3">
                        <ActivityList activities={c.activities} currency={currency} total={c.cost_to_serve} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </TBody>
        </Table>
      ) : null}
    </div>
  );
}

/** A customer's (or segment's) cost-to-serve by activity, biggest first, with its share. */
export function ActivityList({
  activities,
  currency,
  total,
}: {
  activities: Record<string, number>;
  currency: string;
  total: number;
}) {
  const entries = Object.entries(activities).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return <p className="text-sm text-slate-500">No activities in the cost model.</p>;
  return (
    <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2 lg:grid-cols-3">
      {entries.map(([name, cost]) => (
        <div key={name} className="flex items-baseline justify-between gap-3">
          <dt className="truncate text-slate-600" title={name}>
            {name}
          </dt>
          <dd className="tabular-nums text-slate-900">
            {formatMoney(cost, currency)}
            <span className="ml-2 text-xs text-slate-500">
              {total > 0 ? formatPct((cost / total) * 100, 0) : ""}
            </span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
