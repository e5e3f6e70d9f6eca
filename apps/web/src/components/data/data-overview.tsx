"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { useTRPC } from "@/trpc/react";
import { CustomerCoverage } from "./customer-list";

const STATUS_TONE = {
  succeeded: "green",
  rejected: "red",
  failed: "red",
  running: "brand",
  queued: "brand",
  pending: "neutral",
} as const;

/** The workspace's datasets (each linking to its profile) and its latest imports. */
const DATASET_KIND_LABELS: Record<string, string> = {
  orders: "Order lines",
  customers: "Customers",
  activities: "Activity events",
};

export function DataOverview({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const datasets = useQuery(trpc.dataset.list.queryOptions({ workspace }));
  const imports = useQuery({
    ...trpc.import.list.queryOptions({ workspace, limit: 10 }),
    refetchInterval: (q) =>
      q.state.data?.some((i) => i.status === "running" || i.status === "queued") ? 1500 : false,
  });
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card>
        <CardHeader>
          <CardTitle>Datasets</CardTitle>
        </CardHeader>
        <CardContent>
          {datasets.data && datasets.data.length > 0 ? (
            <Table>
              <THead>
                <tr>
                  <Th>Name</Th>
                  <Th>Kind</Th>
                  <Th className="text-right">Rows</Th>
                </tr>
              </THead>
              <TBody>
                {datasets.data.map((d) => (
                  <tr key={d.id}>
                    <Td>
                      <Link
                        className="font-medium text-brand-700 hover:underline"
                        href={`/${workspace}/data/datasets/${d.id}`}
                      >
                        {d.name}
                      </Link>
                    </Td>
                    <Td>{DATASET_KIND_LABELS[d.kind] ?? d.kind}</Td>
                    <Td className="text-right tabular-nums">{d.rowCount.toLocaleString()}</Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          ) : (
            <p className="text-sm text-slate-500">
              {datasets.isLoading ? "Loading…" : "No datasets yet: import a file."}
            </p>
          )}
          <p className="mt-4 text-sm text-slate-600">
            <CustomerCoverage workspace={workspace} />
          </p>
          <p className="mt-2 text-sm">
            <Link
              className="font-medium text-brand-700 hover:underline"
              href={`/${workspace}/data/customers`}
            >
              Browse customers →
            </Link>
          </p>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Latest imports</CardTitle>
        </CardHeader>
        <CardContent>
          {imports.data && imports.data.length > 0 ? (
            <Table>
              <THead>
                <tr>
                  <Th>File</Th>
                  <Th>Status</Th>
                  <Th className="text-right">Imported</Th>
                  <Th className="text-right">Rejected</Th>
                </tr>
              </THead>
              <TBody>
                {imports.data.map((i) => (
                  <tr key={i.id}>
                    <Td className="max-w-48 truncate" title={i.fileName}>
                      {i.fileName}
                    </Td>
                    <Td>
                      <Badge tone={STATUS_TONE[i.status]}>
                        {i.status === "running"
                          ? `${Math.round(i.progress * 100)}% ${i.stage ?? ""}`
                          : i.status}
                      </Badge>
                    </Td>
                    <Td className="text-right tabular-nums">{i.rowsImported.toLocaleString()}</Td>
                    <Td className="text-right tabular-nums">
                      {i.hasRejectedReport ? (
                        <a
                          className="text-brand-700 hover:underline"
                          href={`/api/workspaces/${encodeURIComponent(workspace)}/imports/${i.id}/rejected`}
                        >
                          {i.rowsRejected.toLocaleString()}
                        </a>
                      ) : (
                        i.rowsRejected.toLocaleString()
                      )}
                    </Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          ) : (
            <p className="text-sm text-slate-500">
              {imports.isLoading ? "Loading…" : "Nothing imported yet."}
            </p>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
