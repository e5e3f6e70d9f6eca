"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, Label, Select } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { formatNumber, formatPercent } from "./result-types";

type Sort = "externalId" | "monetary" | "frequency" | "recencyDays";
const PAGE_SIZE = 50;

/** A segment's customers: search by id, sort by id or a headline feature, page, export as CSV. */
export function SegmentCustomers({ workspace, segmentId }: { workspace: string; segmentId: string }) {
  const trpc = useTRPC();
  const [searchInput, setSearchInput] = useState("");
  const [search, setSearch] = useState("");
  const [sort, setSort] = useState<Sort>("monetary");
  const [direction, setDirection] = useState<"asc" | "desc">("desc");
  const [page, setPage] = useState(1);

  // Search as the user types, a moment after they stop.
  useEffect(() => {
    const t = setTimeout(() => {
      setSearch(searchInput.trim());
      setPage(1);
    }, 250);
    return () => clearTimeout(t);
  }, [searchInput]);

  const list = useQuery({
    ...trpc.segment.customers.queryOptions({
      workspace,
      segmentId,
      ...(search ? { search } : {}),
      sort,
      direction,
      page,
      pageSize: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;
  const exportHref = `/api/workspaces/${workspace}/segments/${segmentId}/export`;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-wrap items-end gap-3">
          <div className="w-56 space-y-1">
            <Label htmlFor="customer-search">Search customers</Label>
            <Input
              id="customer-search"
              type="search"
              placeholder="Customer id"
              value={searchInput}
              onChange={(e) => setSearchInput(e.target.value)}
            />
          </div>
          <div className="w-44 space-y-1">
            <Label htmlFor="customer-sort">Sort by</Label>
            <Select
              id="customer-sort"
              value={sort}
              onChange={(e) => {
                setSort(e.target.value as Sort);
                setPage(1);
              }}
            >
              <option value="externalId">Customer id</option>
              <option value="monetary">Revenue (monetary)</option>
              <option value="frequency">Orders (frequency)</option>
              <option value="recencyDays">Days since last order</option>
            </Select>
          </div>
          <div className="w-40 space-y-1">
            <Label htmlFor="customer-direction">Order</Label>
            <Select
              id="customer-direction"
              value={direction}
              onChange={(e) => {
                setDirection(e.target.value as "asc" | "desc");
                setPage(1);
              }}
            >
              <option value="asc">Ascending</option>
              <option value="desc">Descending</option>
            </Select>
          </div>
        </div>
        <a
          href={exportHref}
          download
          className="inline-flex h-10 items-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50"
        >
          Export CSV
        </a>
      </div>
      <Card>
        {list.isPending ? <LoadingState label="Loading customers…" /> : null}
        {list.error ? (
          <div className="p-4">
            <Alert tone="error">{toFormError(list.error).message}</Alert>
          </div>
        ) : null}
        {list.data && list.data.items.length === 0 ? (
          <p className="px-6 py-8 text-center text-sm text-slate-500">
            {search ? `No customer of this segment matches "${search}".` : "This segment has no customers."}
          </p>
        ) : null}
        {list.data && list.data.items.length > 0 ? (
          <Table
            aria-label={`Customers of ${list.data.segment.name}`}
            aria-busy={list.isFetching || undefined}
          >
            <THead>
              <tr>
                <Th>Customer</Th>
                <Th className="text-right">Revenue</Th>
                <Th className="text-right">Orders</Th>
                <Th className="text-right">Days since last order</Th>
                <Th>Membership</Th>
                <Th>Assigned</Th>
              </tr>
            </THead>
            <TBody>
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <Td className="font-medium text-slate-900">
                    <Link className="hover:underline" href={`/${workspace}/data/customers/${c.id}`}>
                      {c.externalId}
                    </Link>
                  </Td>
                  <Td className="text-right tabular-nums">{formatNumber(c.monetary)}</Td>
                  <Td className="text-right tabular-nums">{formatNumber(c.frequency)}</Td>
                  <Td className="text-right tabular-nums">{formatNumber(c.recencyDays)}</Td>
                  <Td className="whitespace-nowrap">
                    <MembershipSource source={c.source} confidence={c.confidence} />
                  </Td>
                  <Td className="whitespace-nowrap text-slate-500">{formatDateTime(c.assignedAt)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
        ) : null}
      </Card>
      {list.data ? (
        <nav aria-label="Pages" className="flex items-center justify-between gap-3 text-sm text-slate-600">
          <span>
            {list.data.total.toLocaleString("en")} customer{list.data.total === 1 ? "" : "s"} · page {page} of{" "}
            {pages}
          </span>
          <span className="flex gap-2">
            <Button size="sm" variant="secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous
            </Button>
            <Button size="sm" variant="secondary" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Next
            </Button>
          </span>
        </nav>
      ) : null}
    </div>
  );
}

/** Why a customer is in the segment: the training run, the set's model afterwards, or the rule. */
function MembershipSource({
  source,
  confidence,
}: {
  source: "run" | "model" | "rule";
  confidence: number | null;
}) {
  if (source === "model")
    return (
      <Badge tone="brand">
        Assigned by the model{confidence === null ? "" : ` (${formatPercent(confidence)} confidence)`}
      </Badge>
    );
  if (source === "rule") return <Badge tone="neutral">Matches the rule</Badge>;
  return <Badge tone="neutral">In the run</Badge>;
}
