"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import { AUDIT_PAGE_SIZE, describeAuditAction, describeAuditDetails } from "@/lib/audit";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

export function AuditLog({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { workspace, limit: AUDIT_PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Card>
      <CardHeader>
        <CardTitle>Audit log</CardTitle>
        <CardDescription>
          Every change to the workspace, its members and invitations, newest first.
        </CardDescription>
      </CardHeader>
      {events.isPending ? <LoadingState label="Loading audit log…" /> : null}
      {events.error ? (
        <div className="p-6">
          <Alert tone="error">{toFormError(events.error).message}</Alert>
        </div>
      ) : null}
      {events.isSuccess && items.length === 0 ? (
        <p className="px-6 py-8 text-center text-sm text-slate-500">Nothing recorded yet.</p>
      ) : null}
      {items.length > 0 ? (
        <Table>
          <THead>
            <tr>
              <Th>When</Th>
              <Th>Who</Th>
              <Th>What</Th>
              <Th>Details</Th>
            </tr>
          </THead>
          <TBody>
            {items.map((event) => (
              <tr key={event.id}>
                <Td className="whitespace-nowrap">{formatDateTime(event.createdAt)}</Td>
                <Td>{event.actorEmail ?? "System"}</Td>
                <Td>
                  <p className="font-medium text-slate-900">{describeAuditAction(event.action)}</p>
                  <p className="font-mono text-xs text-slate-500">{event.action}</p>
                </Td>
                <Td className="text-xs text-slate-600">{describeAuditDetails(event.details)}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      ) : null}
      {events.hasNextPage ? (
        <div className="flex justify-center border-t border-slate-100 p-4">
          <Button
            variant="secondary"
            onClick={() => events.fetchNextPage()}
            isLoading={events.isFetchingNextPage}
          >
            Show older events
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
