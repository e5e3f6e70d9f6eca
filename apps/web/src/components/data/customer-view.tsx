"use client";

import { useQuery } from "@tanstack/react-query";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { useTRPC } from "@/trpc/react";

function show(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "number")
    return Number.isInteger(v) ? v.toLocaleString() : String(Number(v.toPrecision(4)));
  return String(v);
}

/** A customer: attributes, computed features, order summary and latest order lines. */
export function CustomerView({ workspace, id }: { workspace: string; id: string }) {
  const trpc = useTRPC();
  const customer = useQuery(trpc.customer.get.queryOptions({ workspace, id }));
  if (customer.isLoading) return <p className="text-sm text-slate-500">Loading…</p>;
  const c = customer.data;
  if (!c) return <p className="text-sm text-red-700">{customer.error?.message ?? "Customer not found"}</p>;
  const s = c.orderSummary;
  return (
    <div className="space-y-6">
      <h2 className="text-lg font-semibold text-slate-900">Customer {c.externalId}</h2>
      <div className="grid gap-4 sm:grid-cols-4">
        {[
          ["Orders", s.orders.toLocaleString()],
          ["Order lines", s.lines.toLocaleString()],
          ["Revenue", Math.round(s.revenue).toLocaleString()],
          ["Last order", s.lastOrder ? s.lastOrder.toISOString().slice(0, 10) : "—"],
        ].map(([label, value]) => (
          <Card key={label}>
            <CardContent>
              <p className="text-xs uppercase text-slate-500">{label}</p>
              <p className="text-xl font-semibold text-slate-900">{value}</p>
            </CardContent>
          </Card>
        ))}
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Attributes</CardTitle>
            <CardDescription>
              {c.datasetName ? `From “${c.datasetName}”` : "No customer file imported for this customer"}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
              {Object.entries(c.attributes).map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-slate-500">{k}</dt>
                  <dd className="text-slate-900">{show(v)}</dd>
                </div>
              ))}
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Features</CardTitle>
            <CardDescription>Recomputed after every import; what segmentation runs read.</CardDescription>
          </CardHeader>
          <CardContent>
            {c.features ? (
              <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
                {Object.entries(c.features).map(([k, v]) => (
                  <div key={k} className="contents">
                    <dt className="truncate text-slate-500" title={k}>
                      {k}
                    </dt>
                    <dd className="tabular-nums text-slate-900">{show(v)}</dd>
                  </div>
                ))}
              </dl>
            ) : (
              <p className="text-sm text-slate-500">No features yet.</p>
            )}
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Segment history</CardTitle>
          <CardDescription>
            Segments this customer has been assigned to appear here once a segment set is published.
          </CardDescription>
        </CardHeader>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Latest order lines</CardTitle>
          <CardDescription>
            {c.orderLinesShown < s.lines
              ? `The latest ${c.orderLinesShown} of ${s.lines.toLocaleString()}`
              : `${s.lines} lines`}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <Table>
            <THead>
              <tr>
                <Th>Date</Th>
                <Th>Order</Th>
                <Th>Product</Th>
                <Th>Category</Th>
                <Th>Channel</Th>
                <Th className="text-right">Qty</Th>
                <Th className="text-right">Unit price</Th>
              </tr>
            </THead>
            <TBody>
              {c.orderLines.map((l) => (
                <tr key={l.id}>
                  <Td>{l.orderedAt.toISOString().slice(0, 16).replace("T", " ")}</Td>
                  <Td>{l.orderId ?? "—"}</Td>
                  <Td>{l.product ?? "—"}</Td>
                  <Td>{l.category ?? "—"}</Td>
                  <Td>{l.channel ?? "—"}</Td>
                  <Td className="text-right tabular-nums">{l.quantity}</Td>
                  <Td className="text-right tabular-nums">{l.unitPrice.toFixed(2)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
        </CardContent>
      </Card>
    </div>
  );
}
