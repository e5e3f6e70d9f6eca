"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input } from "@/components/ui/field";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { useTRPC } from "@/trpc/react";

/**
 * How many of the workspace's customers have features (order lines that count) and why the others
 * have none, so "4,372 customers" next to "4,317 segmented" is never unexplained.
 */
export function CustomerCoverage({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const counts = useQuery(trpc.customer.counts.queryOptions({ workspace }));
  if (!counts.data) return <span>{counts.isLoading ? "Loading…" : ""}</span>;
  const { total, withFeatures, withoutFeatures, reasons } = counts.data;
  return (
    <span>
      {total.toLocaleString()} customers in the workspace · {withFeatures.toLocaleString()} with features
      (order lines that count, what segments use)
      {withoutFeatures > 0
        ? ` · ${withoutFeatures.toLocaleString()} without: ${reasons
            .map((r) => `${r.count.toLocaleString()} ${r.reason}`)
            .join(", ")}`
        : ""}
    </span>
  );
}

/** Customers by external id, searchable, a page at a time. */
export function CustomerList({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const list = useQuery(
    trpc.customer.list.queryOptions({
      workspace,
      limit: 50,
      ...(search ? { search } : {}),
      ...(cursor ? { cursor } : {}),
    }),
  );
  return (
    <Card>
      <CardContent className="space-y-4">
        <Input
          aria-label="Search customers by id"
          placeholder="Search by customer id"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setCursors([]);
          }}
        />
        <Table>
          <THead>
            <tr>
              <Th>Customer</Th>
              <Th className="text-right">
                <abbr className="no-underline" title={list.data?.ordersDefinition}>
                  Orders
                </abbr>
              </Th>
              <Th className="text-right">
                <abbr
                  className="no-underline"
                  title="Net sales: purchases minus returns (the monetary feature)"
                >
                  Revenue
                </abbr>
              </Th>
              <Th className="text-right">Days since last order</Th>
              <Th>RFM segment</Th>
            </tr>
          </THead>
          <TBody>
            {list.data?.items.map((c) => (
              <tr key={c.id}>
                <Td>
                  <Link
                    className="font-medium text-brand-700 hover:underline"
                    href={`/${workspace}/data/customers/${c.id}`}
                  >
                    {c.externalId}
                  </Link>
                </Td>
                <Td className="text-right tabular-nums">{c.frequency ?? "—"}</Td>
                <Td className="text-right tabular-nums">
                  {c.monetary === null ? "—" : Math.round(c.monetary).toLocaleString()}
                </Td>
                <Td className="text-right tabular-nums">{c.recencyDays ?? "—"}</Td>
                <Td>{c.rfmSegment ?? "—"}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
        {list.data ? <p className="text-xs text-slate-500">Orders: {list.data.ordersDefinition}</p> : null}
        <div className="flex items-center justify-between gap-4 text-sm text-slate-600">
          <CustomerCoverage workspace={workspace} />
          <span className="flex gap-2">
            <Button
              variant="secondary"
              size="sm"
              disabled={cursors.length === 0}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              Previous
            </Button>
            <Button
              variant="secondary"
              size="sm"
              disabled={!list.data?.nextCursor}
              onClick={() => list.data?.nextCursor && setCursors([...cursors, list.data.nextCursor])}
            >
              Next
            </Button>
          </span>
        </div>
      </CardContent>
    </Card>
  );
}
