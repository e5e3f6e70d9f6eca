"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, buttonClasses } from "@/components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label, Select } from "@/components/ui/field";
import { LoadingState } from "@/components/ui/spinner";
import { Table, TBody, Td, THead, Th } from "@/components/ui/table";
import {
  AUDIT_PAGE_SIZE,
  AUDIT_TARGET_TYPES,
  type AuditFilterForm,
  auditExportHref,
  auditFilterInput,
  describeAuditAction,
  describeAuditDetails,
  EMPTY_AUDIT_FILTERS,
} from "@/lib/audit";
import { toFormError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

export function AuditLog({ workspace }: { workspace: string }) {
  const trpc = useTRPC();
  const [form, setForm] = useState<AuditFilterForm>(EMPTY_AUDIT_FILTERS);
  const [applied, setApplied] = useState<AuditFilterForm>(EMPTY_AUDIT_FILTERS);
  const [formError, setFormError] = useState<string | null>(null);
  const members = useQuery(trpc.member.list.queryOptions({ workspace }));
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { workspace, limit: AUDIT_PAGE_SIZE, ...auditFilterInput(applied) },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];
  const isFiltered = JSON.stringify(applied) !== JSON.stringify(EMPTY_AUDIT_FILTERS);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (form.from && form.to && form.from > form.to) {
      setFormError("The end date must not be before the start date.");
      return;
    }
    setFormError(null);
    setApplied(form);
  };
  const filterTo = (next: AuditFilterForm) => {
    setForm(next);
    setApplied(next);
    setFormError(null);
  };
  const set = (field: keyof AuditFilterForm) => (value: string) => setForm({ ...form, [field]: value });

  return (
    <Card>
      <CardHeader className="flex items-start justify-between gap-4 space-y-0">
        <div className="min-w-0 flex-1 space-y-1">
          <CardTitle>Audit log</CardTitle>
          <CardDescription>
            Every change to the workspace, newest first: members and invitations, segment sets, runs, imports,
            exports and comments.
          </CardDescription>
        </div>
        <a href={auditExportHref(workspace, applied)} className={buttonClasses("secondary", "sm")} download>
          Export CSV
        </a>
      </CardHeader>

      <form
        onSubmit={apply}
        aria-label="Filter the audit log"
        className="flex flex-wrap items-end gap-3 border-b border-slate-100 px-6 py-4"
      >
        <div className="w-44 space-y-1.5">
          <Label htmlFor="audit-target-type">Entity</Label>
          <Select
            id="audit-target-type"
            value={form.targetType}
            onChange={(e) => set("targetType")(e.target.value)}
          >
            <option value="">Any</option>
            {AUDIT_TARGET_TYPES.map((t) => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </Select>
        </div>
        <div className="w-64 space-y-1.5">
          <Label htmlFor="audit-target-id">Entity id</Label>
          <Input
            id="audit-target-id"
            value={form.targetId}
            placeholder="Any"
            onChange={(e) => set("targetId")(e.target.value)}
          />
        </div>
        <div className="w-48 space-y-1.5">
          <Label htmlFor="audit-actor">Who</Label>
          <Select
            id="audit-actor"
            value={form.actorUserId}
            onChange={(e) => set("actorUserId")(e.target.value)}
          >
            <option value="">Anyone</option>
            {members.data?.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name || m.email}
              </option>
            ))}
          </Select>
        </div>
        <div className="w-40 space-y-1.5">
          <Label htmlFor="audit-from">From</Label>
          <Input
            id="audit-from"
            type="date"
            value={form.from}
            onChange={(e) => set("from")(e.target.value)}
          />
        </div>
        <div className="w-40 space-y-1.5">
          <Label htmlFor="audit-to">To</Label>
          <Input
            id="audit-to"
            type="date"
            value={form.to}
            hasError={Boolean(formError)}
            aria-describedby={formError ? "audit-filter-error" : undefined}
            onChange={(e) => set("to")(e.target.value)}
          />
        </div>
        <div className="flex items-end gap-2">
          <Button type="submit" size="md">
            Filter
          </Button>
          {isFiltered ? (
            <Button variant="ghost" onClick={() => filterTo(EMPTY_AUDIT_FILTERS)}>
              Clear
            </Button>
          ) : null}
        </div>
        {formError ? (
          <p id="audit-filter-error" role="alert" className="w-full text-sm text-red-700">
            {formError}
          </p>
        ) : null}
      </form>

      {events.isPending ? <LoadingState label="Loading audit log…" /> : null}
      {events.error ? (
        <div className="p-6">
          <Alert tone="error">{toFormError(events.error).message}</Alert>
        </div>
      ) : null}
      {events.isSuccess && items.length === 0 ? (
        <p className="px-6 py-8 text-center text-sm text-slate-500">
          {isFiltered ? "No events match these filters." : "Nothing recorded yet."}
        </p>
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
                <Td>
                  {event.actorUserId ? (
                    <button
                      type="button"
                      className="text-left hover:underline"
                      title="Only this person's events"
                      onClick={() => filterTo({ ...applied, actorUserId: event.actorUserId ?? "" })}
                    >
                      {event.actorEmail ?? "A former member"}
                    </button>
                  ) : (
                    (event.actorEmail ?? "System")
                  )}
                </Td>
                <Td>
                  <p className="font-medium text-slate-900">{describeAuditAction(event.action)}</p>
                  <p className="font-mono text-xs text-slate-500">{event.action}</p>
                  {event.targetId ? (
                    <button
                      type="button"
                      className="text-xs text-brand-700 hover:underline"
                      onClick={() =>
                        filterTo({ ...applied, targetType: event.targetType, targetId: event.targetId ?? "" })
                      }
                    >
                      Only this {event.targetType.replace(/_/g, " ")}
                    </button>
                  ) : null}
                </Td>
                <Td className="min-w-64 max-w-md text-xs text-slate-600 wrap-anywhere">
                  {describeAuditDetails(event.details)}
                </Td>
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
