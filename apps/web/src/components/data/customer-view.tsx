"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { CustomerCostCard } from "@/components/cost-to-serve/customer-cost-card";
import { CustomerPrivacyCard } from "@/components/data/customer-privacy-card";
import { CustomerPolicyCard } from "@/components/policies/customer-policy-card";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { useTRPC } from "@/trpc/react";

function show(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "number")
    return Number.isInteger(v) ? v.toLocaleString() : String(Number(v.toPrecision(4)));
  return String(v);
}

/** A customer: attributes, computed features, order summary, segment history and latest order lines. */
export function CustomerView({
  workspace,
  id,
  canManagePrivacy = false,
}: {
  workspace: string;
  id: string;
  /** Admins and owners: export everything held on the customer, or erase them. */
  canManagePrivacy?: boolean;
}) {
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
          {
            label: "Orders",
            value: s.orders === null ? "—" : s.orders.toLocaleString(),
            hint: s.ordersDefinition,
            note:
              s.orders === null
                ? "No features: no order lines that count"
                : s.invoices !== s.orders
                  ? `${s.invoices.toLocaleString()} invoices incl. credit notes and cancelled orders`
                  : null,
          },
          { label: "Order lines", value: s.lines.toLocaleString(), hint: null, note: null },
          {
            label: "Revenue",
            value: s.netSales === null ? "—" : Math.round(s.netSales).toLocaleString(),
            hint: "Net sales: purchases minus returns, cancelled purchases taken out (the monetary feature)",
            note: null,
          },
          {
            label: "Last order",
            value: s.lastOrder ? s.lastOrder.toISOString().slice(0, 10) : "—",
            hint: null,
            note: null,
          },
        ].map(({ label, value, hint, note }) => (
          <Card key={label}>
            <CardContent>
              <p className="text-xs uppercase text-slate-500" title={hint ?? undefined}>
                {label}
              </p>
              <p className="text-xl font-semibold text-slate-900">{value}</p>
              {note ? <p className="text-xs text-slate-500">{note}</p> : null}
            </CardContent>
          </Card>
        ))}
      </div>
      <p className="text-xs text-slate-500">Orders: {s.ordersDefinition}</p>
      <CustomerCostCard workspace={workspace} customerId={id} />
      <CustomerPolicyCard workspace={workspace} customerId={id} />
      {canManagePrivacy ? (
        <CustomerPrivacyCard workspace={workspace} id={id} externalId={c.externalId} />
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Attributes</CardTitle>
            <CardDescription>
              {c.datasetName ? `From “${c.datasetName}”` : "No customer file imported for this customer"}
              {c.isMasked ? ". Personal columns are masked for viewers." : null}
            </CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
              {Object.entries(c.attributes).map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-slate-500">
                    {k}
                    {c.personalKeys.includes(k) ? (
                      <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">personal</span>
                    ) : null}
                  </dt>
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
            {c.segmentHistory.length === 0
              ? "Not in any segment yet: segments appear here once a segmentation run is published as a segment set."
              : "The segment this customer was given in each published segment set, newest first."}
          </CardDescription>
        </CardHeader>
        {c.segmentHistory.length > 0 && (
          <CardContent>
            <Table>
              <THead>
                <tr>
                  <Th>Published</Th>
                  <Th>Segment set</Th>
                  <Th>Segment</Th>
                </tr>
              </THead>
              <TBody>
                {c.segmentHistory.map((h) => (
                  <tr key={h.setId}>
                    <Td className="tabular-nums">{h.publishedAt.toISOString().slice(0, 10)}</Td>
                    <Td>
                      <Link
                        className="text-brand-700 hover:underline"
                        href={`/${workspace}/segments/sets/${h.setId}`}
                      >
                        {h.setName}
                      </Link>
                    </Td>
                    <Td>
                      <Link
                        className="inline-flex items-center gap-2 hover:underline"
                        href={`/${workspace}/segments/sets/${h.setId}/${h.segmentId}`}
                      >
                        <span
                          aria-hidden
                          className="inline-block size-2.5 rounded-full"
                          style={{ backgroundColor: h.color }}
                        />
                        {h.segmentName}
                      </Link>
                    </Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          </CardContent>
        )}
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
